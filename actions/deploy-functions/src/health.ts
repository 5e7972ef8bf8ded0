/** Polls the health function until it answers 200; the last answer either way. */
export async function waitHealthy(
  url: string,
  timeoutSeconds: number,
  pauseMs = 2000,
): Promise<{ ok: boolean; status: number; body: string }> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last = { ok: false, status: 0, body: 'no answer' };
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      last = {
        ok: response.ok,
        status: response.status,
        body: (await response.text()).slice(0, 2000),
      };
      if (response.ok) return last;
    } catch (error) {
      last = { ok: false, status: 0, body: error instanceof Error ? error.message : String(error) };
    }
    if (Date.now() + pauseMs > deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
