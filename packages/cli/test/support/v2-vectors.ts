import { createHash, createHmac } from 'node:crypto';

/** GUIDE §7: the official v2 signing example. */
export const V2 = {
  key: '192006250b4c09247ec02edce69f6a2d',
  fields: {
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    device_info: '1000',
    body: 'test',
    nonce_str: 'ibuaiVcKdpRxkhJA',
  } as Record<string, string>,
  md5: '9A0A8659F005D6984697E2CA0A9CF3B7',
  hmac: '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
};

export function toXml(fields: Record<string, string>): string {
  return `<xml>${Object.entries(fields)
    .map(([name, value]) => `<${name}><![CDATA[${value}]]></${name}>`)
    .join('')}</xml>`;
}

export function toQuery(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * An oracle written from the protocol text, independent of the SDK: sorted non-empty fields except
 * `sign`, `&key=`, then MD5 or HMAC-SHA256, upper-case hex.
 */
export function oracleSign(fields: Record<string, string>, key: string, type: 'MD5' | 'HMAC-SHA256'): string {
  const text = `${Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== '')
    .sort()
    .map((name) => `${name}=${fields[name]}`)
    .join('&')}&key=${key}`;
  const digest = type === 'MD5' ? createHash('md5').update(text) : createHmac('sha256', key).update(text);
  return digest.digest('hex').toUpperCase();
}
