// Optional camera reading for the till: only where the browser has BarcodeDetector (Chrome on
// Android and macOS, not desktop Linux); a USB scanner needs none of this. Reads Code 128 and QR
// a few times a second and hands the first digits it sees to the page.

import { say } from './messages.js';

/** Whether this browser can read codes from the camera at all. */
export function cameraAvailable() {
  return typeof window.BarcodeDetector === 'function' && Boolean(navigator.mediaDevices?.getUserMedia);
}

/**
 * Starts the back camera into `video` and calls `onCode(text)` once with what it reads; returns
 * `stop()`, which also releases the camera. Throws when permission is refused.
 */
export async function startCamera(video, onCode) {
  const supported = await window.BarcodeDetector.getSupportedFormats();
  const formats = ['code_128', 'qr_code'].filter((format) => supported.includes(format));
  const detector = new window.BarcodeDetector({ formats });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  video.srcObject = stream;
  await video.play();
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const scan = async () => {
    if (stopped) return;
    try {
      const found = await detector.detect(video);
      const text = found.map((code) => code.rawValue).find((value) => /^\d{16,20}$/.test(value));
      if (text) {
        stop();
        onCode(text);
        return;
      }
    } catch {
      // a frame that could not be read: try the next one
    }
    setTimeout(scan, 250);
  };
  scan();
  return stop;
}

/**
 * Shows `button` where the browser can read codes, and makes it start and stop the camera into
 * `video`; `onCode(text)` gets what was read, `onError(error)` a refused permission.
 */
export function wireCamera(button, video, onCode, onError) {
  if (!cameraAvailable()) return;
  let stop = null;
  const idle = () => {
    stop = null;
    video.hidden = true;
    say(button, 'pos.camera');
  };
  button.hidden = false;
  button.addEventListener('click', async () => {
    if (stop) {
      stop();
      idle();
      return;
    }
    try {
      video.hidden = false;
      say(button, 'pos.cameraStop');
      stop = await startCamera(video, (text) => {
        idle();
        onCode(text);
      });
    } catch (error) {
      idle();
      onError(error);
    }
  });
}
