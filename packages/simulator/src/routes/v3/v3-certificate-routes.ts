import { toRfc3339Beijing } from '@wechatpay-kit/sdk';
import { aesGcmEncrypt, nonceStr, parseCertificate } from '@wechatpay-kit/sdk/crypto';
import type { V3Endpoints } from './v3-endpoint.js';
import { V3Error } from './v3-error.js';

/**
 * `GET /v3/certificates`: the merchant's platform certificate, AEAD_AES_256_GCM-encrypted with its
 * APIv3 key (associated data `certificate`). Merchants in public-key mode have no platform
 * certificate, and WeChat answers them 404 RESOURCE_NOT_EXISTS — which is what tells a client
 * configured for certificates that it must switch to the public key.
 */
export function v3CertificateRoutes(endpoints: V3Endpoints): void {
  endpoints.get('/v3/certificates', { api: 'v3.certificates' }, (call) => {
    const merchant = call.caller.merchant;
    if (merchant.v3SigningMode === 'public-key') {
      throw new V3Error(
        404,
        'RESOURCE_NOT_EXISTS',
        '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥',
        {
          issue: `merchant ${merchant.mchid} uses the WeChat Pay public key ${merchant.publicKeyId}: verify answers with that key instead of platform certificates`,
        },
      );
    }
    const certificate = parseCertificate(merchant.platformCertificatePem);
    const nonce = nonceStr(12);
    return {
      status: 200,
      body: {
        data: [
          {
            serial_no: merchant.platformSerialNo,
            effective_time: toRfc3339Beijing(certificate.notBefore),
            expire_time: toRfc3339Beijing(certificate.notAfter),
            encrypt_certificate: {
              algorithm: 'AEAD_AES_256_GCM',
              nonce,
              associated_data: 'certificate',
              ciphertext: aesGcmEncrypt(
                merchant.apiV3Key,
                nonce,
                'certificate',
                merchant.platformCertificatePem,
              ),
            },
          },
        ],
      },
    };
  });
}
