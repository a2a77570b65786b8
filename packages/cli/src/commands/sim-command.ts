import type { Command } from '../command.js';
import {
  runSimClock,
  runSimClose,
  runSimPassword,
  runSimPaymentCode,
  runSimRefundSettle,
  runSimResend,
} from './sim-control-actions.js';
import { runSimLogs } from './sim-logs.js';
import { runSimMiniProgram } from './sim-miniprogram.js';
import { runSimPay } from './sim-pay.js';
import { runSimServer } from './sim-server.js';

/**
 * `wxpay sim`: runs the WeChat Pay simulator, or (`wxpay sim pay`) pays an order in a running one —
 * the phone page's "支付" button for scripts and CI.
 */
export const simCommand: Command = {
  name: 'sim',
  synopsis: [
    'sim [--port N] [--https] [--data-dir DIR] [--host H] [--fault RULES] [--notify-faults FAULTS]',
    'sim pay <code_url|out_trade_no|prepay_id> [--openid ID | --user NAME] [--fail]',
    'sim miniprogram --product ID [--service URL] [--user NAME] [--v2] [--cancel | --fail]',
    'sim logs [--follow] [--only api|notifications] [--limit N] [--mchid M]',
    'sim clock [advance DURATION]',
    'sim resend <notification id>',
    'sim refund-settle <out_refund_no> [--outcome SUCCESS|ABNORMAL|CLOSED] [--mchid M]',
    'sim close <out_trade_no|code_url|prepay_id> [--mchid M]',
    'sim payment-code [--user NAME]',
    'sim password <out_trade_no> [--cancel | --wrong] [--mchid M]',
  ],
  summary: 'the WeChat Pay simulator alone, pay an order in it, or play a mini-program purchase',
  help: `Usage:
  wxpay sim [--port N] [--https] [--data-dir DIR] [--host H] [--public-url URL]
            [--fault API=KIND[:P],…] [--notify-faults drop=P,duplicate=P,delay=MS[@P],reorder[=MS]]
  wxpay sim pay <code_url|out_trade_no|prepay_id|transaction_id> [--openid ID | --user NAME] [--fail] [--mchid M]
  wxpay sim miniprogram --product ID [--service URL] [--user NAME] [--v2] [--cancel | --fail] [--appid A]

wxpay sim runs the offline WeChat Pay (API v2 + v3) and WeChat platform simulator until Ctrl+C. It
prints its URL, the phone page (pay by hand) and the console, and exports the demo merchant's
settings and keys to DIR/merchant/: merchant.json, the key files, v3-client-options.json and
v2-client-options.json (V3Client / V2Client options, to pass through unchanged) and service.env
(the payment service's variables).

  --port N        default $SIM_PORT, else 3100; 0 picks a free port (the URL printed is the real one)
  --https         serve HTTPS with a certificate from a local CA kept in DIR; trust it with
                  NODE_EXTRA_CA_CERTS (printed) to point an unmodified client at the simulator
  --data-dir DIR  state, keys and CA; default $DATA_DIR/simulator, else data/simulator
  --host H        default 127.0.0.1. The control API (/_sim/) has no authentication: never
                  expose the simulator beyond a development machine or test network
  --public-url U  how browsers reach it, when not at its own address (proxies, containers)
  --fault RULES   start with faulty APIs: API is v2.unifiedorder, v3.transactions.native, v3.*, *…;
                  KIND is SYSTEMERROR, HTTP_500, HTTP_503, SLOW or NO_ANSWER; P a probability
  --notify-faults lose (drop), double (duplicate), hold back (delay) or reorder notifications;
                  both can be changed later with PUT /_sim/faults

wxpay sim pay pays an order in a running simulator (at $SIM_URL, else http://127.0.0.1:$SIM_PORT),
as the simulated user holding the phone would:

  --user NAME     the simulated user (alice, bob, carol, …); default the order's own payer
                  (JSAPI) or alice
  --openid ID     the simulated user with this openid in the order's app
  --fail          the bank declines instead: the order ends PAYERROR
  --mchid M       look the out_trade_no up in this merchant only

Output: the order, then on the last line its state and, once paid, the transaction id
("SUCCESS 4200…"). An unknown, closed, expired or already paid order exits 1 with the reason.

wxpay sim miniprogram plays the merchant's mini-program against the payment service: wx.login() in
the simulator, POST /api/miniprogram/login {code} → token, POST /api/orders (MINIPROGRAM) → payParams,
then wx.requestPayment() with them, checked by the simulator as WeChat would.

  --product ID    the product to buy (GET /api/products lists them)
  --service URL   the payment service; default http://127.0.0.1:$PORT, else port 3000
  --user NAME     the simulated user playing (alice, bob, carol, …); default alice
  --v2            order through API v2 (MD5 / HMAC-SHA256 paySign) instead of v3 (RSA)
  --cancel        close the pay sheet instead of paying: the order stays unpaid
  --fail          the bank declines: the order ends PAYERROR
  --appid A       the mini-program; default the simulator's first mini-program

Output: the last line is wx.requestPayment's errMsg and the service's order number
("requestPayment:ok ORD…"). An outcome other than the one asked for exits 1 with the reason.

What the console page does, from a shell (all against $SIM_URL):

  wxpay sim logs [--follow]     every API call and notification attempt, one line each, oldest
                                first: time (UTC); for a call, API, method and path, order,
                                WeChat's status and refusal code, duration; for a notification,
                                event, order, URL, the merchant's status, ACK or not and why; and
                                the fault injected. --follow keeps printing new ones until Ctrl+C;
                                --only api or --only notifications shows one of the two
  wxpay sim clock [advance D]   shows or moves the business clock (D: 500ms, 90s, 5m, 2h, 1d);
                                what falls due meanwhile (retries, refunds settling) happens
  wxpay sim resend ID           sends a notification again now (IDs: wxpay sim logs, /_sim/notifications)
                                and prints the answer; exit 1 when it was not an ACK
  wxpay sim refund-settle NO    ends a PROCESSING refund now: --outcome SUCCESS (default),
                                ABNORMAL or CLOSED; its notification follows
  wxpay sim close ORDER         closes an unpaid order on WeChat's side (as the close API does),
                                to test a merchant that still thinks it open; a paid one exit 1
  wxpay sim payment-code        prints a fresh 18-digit payment code (付款码) of --user (default
                                alice): one-time, valid one minute of simulated time
  wxpay sim password ORDER      the customer answers a payment code waiting for the password
                                (USERPAYING): types the PIN, or --cancel, or --wrong`,

  async run(args, io) {
    if (args[0] === 'pay') return runSimPay(args.slice(1), io);
    if (args[0] === 'miniprogram') return runSimMiniProgram(args.slice(1), io);
    if (args[0] === 'logs') return runSimLogs(args.slice(1), io);
    if (args[0] === 'clock') return runSimClock(args.slice(1), io);
    if (args[0] === 'resend') return runSimResend(args.slice(1), io);
    if (args[0] === 'refund-settle') return runSimRefundSettle(args.slice(1), io);
    if (args[0] === 'close') return runSimClose(args.slice(1), io);
    if (args[0] === 'payment-code') return runSimPaymentCode(args.slice(1), io);
    if (args[0] === 'password') return runSimPassword(args.slice(1), io);
    return runSimServer(args, io);
  },
};
