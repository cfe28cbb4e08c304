"""Who sends the texts: one provider interface (base.SmsProvider) and its adapters, chosen by
SMS_BACKEND (providers.sms_provider). Signing is pure functions (aliyun.rpc_signature,
tencent.tc3_authorization) tested against the providers' published worked examples."""
