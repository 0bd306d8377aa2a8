// A minimal SMTP server for the tests: accepts every message and keeps it in memory.
const net = require('node:net');

/** Decodes quoted-printable soft line breaks and escapes. */
function decodeQuotedPrintable(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

function startSmtpSink(port) {
  const messages = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let current = { to: [], data: '' };
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let index;
      while (true) {
        if (inData) {
          index = buffer.indexOf('\r\n.\r\n');
          if (index < 0) return;
          current.data = buffer.slice(0, index);
          buffer = buffer.slice(index + 5);
          inData = false;
          messages.push({ to: current.to, raw: current.data, text: decodeQuotedPrintable(current.data) });
          current = { to: [], data: '' };
          socket.write('250 OK queued\r\n');
          continue;
        }
        index = buffer.indexOf('\r\n');
        if (index < 0) return;
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') socket.write('250 OK\r\n');
        else if (verb === 'RCPT') {
          const match = line.match(/<([^>]+)>/);
          if (match) current.to.push(match[1].toLowerCase());
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') {
          socket.write('221 Bye\r\n');
          socket.end();
        } else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () =>
      resolve({
        messages,
        /** Waits for a message to `address` and returns it. */
        async waitFor(address, timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          while (Date.now() < deadline) {
            const found = messages.find((m) => m.to.includes(address.toLowerCase()));
            if (found) return found;
            await new Promise((r) => setTimeout(r, 100));
          }
          throw new Error(`no email to ${address} within ${timeoutMs} ms`);
        },
        /** The link to `path` (a 64-hex-digit token follows it) in the newest email to
         * `address` that has one. */
        async linkTo(address, path, timeoutMs = 10_000) {
          const pattern = new RegExp(`http://127\\.0\\.0\\.1:\\d+${path}[0-9a-f]{64}`);
          const deadline = Date.now() + timeoutMs;
          while (Date.now() < deadline) {
            const found = messages.filter((m) => m.to.includes(address.toLowerCase()) && pattern.test(m.text)).pop();
            if (found) return found.text.match(pattern)[0];
            await new Promise((r) => setTimeout(r, 100));
          }
          throw new Error(`no email to ${address} with a link to ${path}`);
        },
        close: () => new Promise((r) => server.close(r)),
      }),
    );
  });
}

module.exports = { startSmtpSink };
