export interface RateLimitsCertificatesTables {}
