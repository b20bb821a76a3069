import net from "node:net";

/**
 * How many times a process started on ports from `findFreePort` is started, on ports chosen anew, when it stops at
 * start because another took one first: a port free when chosen can be taken before it is bound (by the other
 * Azurite or host a test run starts at the same moment, say).
 */
const startsOnTakenPorts = 3;

/**
 * `start` on ports from `choose`, chosen anew and started again, `startsOnTakenPorts` times at most, while it fails
 * because another process took one of them first (`taken`); any other failure is thrown at once.
 */
export async function startOnChosenPorts<Ports, Started>(
  choose: () => Promise<Ports>,
  start: (ports: Ports) => Promise<Started>,
  taken: (error: unknown) => boolean,
): Promise<Started> {
  for (let attempt = 1; ; attempt++) {
    const ports = await choose();
    try {
      return await start(ports);
    } catch (error) {
      if (!taken(error) || attempt >= startsOnTakenPorts) throw error;
    }
  }
}

/** A TCP port nothing listens on right now, chosen by the OS. */
export async function findFreePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const answer = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(1_000);
    socket.once("connect", () => answer(true));
    socket.once("error", () => answer(false));
    socket.once("timeout", () => answer(false));
  });
}
