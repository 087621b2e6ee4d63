import { rateLimitMiddleware } from '../../../shared/rate-limits';

/**
 * Public verification is rate-limited per client IP (default 30 a minute, config/rate-limits.ts), shared by
 * every instance through Redis, so nobody can enumerate codes; the code space (≈100 bits) does the rest.
 */
export default rateLimitMiddleware('certificateVerify');
