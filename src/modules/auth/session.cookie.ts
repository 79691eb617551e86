import type {} from '@whatwg-node/server-plugin-cookies';
import { cookieSecure } from '../../config.js';

// The session cookie: HttpOnly so scripts cannot read it, SameSite=Lax so other sites cannot
// send it with their forms, Secure behind HTTPS. Bearer tokens work the same for API clients.

export const SESSION_COOKIE = 'ipnet_session';

export async function setSessionCookie(request: Request | undefined, token: string, expires: Date) {
  await request?.cookieStore?.set({
    name: SESSION_COOKIE,
    value: token,
    expires: expires.getTime(),
    path: '/',
    sameSite: 'lax',
    httpOnly: true,
    secure: cookieSecure(),
    domain: null,
  });
}

export async function clearSessionCookie(request: Request | undefined) {
  if (!(await request?.cookieStore?.get(SESSION_COOKIE))) return;
  await request?.cookieStore?.delete({ name: SESSION_COOKIE, path: '/' });
}
