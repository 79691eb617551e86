// `node dist/tools/healthcheck.js`: the container's health check. Exits 0 when this machine's
// server answers /readyz (its database answers too), 1 otherwise. Node only, because the image
// carries no curl or wget.
const port = process.env.PORT || '4000';
const timeout = AbortSignal.timeout(Number(process.env.HEALTHCHECK_TIMEOUT_MS) || 3000);

try {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: timeout });
  if (!response.ok) console.error(`/readyz answered ${response.status}: ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`/readyz did not answer: ${(error as Error).message}`);
  process.exit(1);
}
