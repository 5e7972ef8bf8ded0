/**
 * How a container reaches a server on this machine. Docker maps the name to `host-gateway`, the
 * address of the engine's bridge, which every engine has. The bridge network's IPAM Gateway field
 * is no substitute: a freshly started dockerd (Debian's 20.10) leaves it empty.
 */
export const HOST_FROM_CONTAINER = 'host.docker.internal';

/** The extra host entry (`--add-host host.docker.internal:host-gateway`) a container needs. */
export const hostGatewayEntry = { host: HOST_FROM_CONTAINER, ipAddress: 'host-gateway' };

/**
 * A loopback URL of this machine (`http://127.0.0.1:PORT/...`) as a container reaches it. The
 * server must listen on every interface, not only on loopback.
 * @throws Error when the URL's host is not loopback, so a wrong address fails here, not later
 */
export function fromContainer(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost')
    throw new Error(`fromContainer: ${url} is not a loopback URL`);
  const rest = url.slice(url.indexOf(parsed.host) + parsed.host.length);
  return `${parsed.protocol}//${HOST_FROM_CONTAINER}${parsed.port ? `:${parsed.port}` : ''}${rest}`;
}
