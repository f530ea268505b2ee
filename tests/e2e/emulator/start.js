// Starts the stock telegram-test-api emulator on the given host and port until SIGTERM.
const TelegramServer = require('telegram-test-api');

const [host, port] = [process.argv[2] || '127.0.0.1', Number(process.argv[3] || 9000)];
const server = new TelegramServer({ host, port, storeTimeout: 600 });

server.start().then(() => {
  console.log(`emulator listening on ${server.config.apiURL}`);
});

const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
