// Verifies recorded webhook deliveries with the official Standard Webhooks
// library (npm standardwebhooks), not with our own HMAC code.
//   node verify.js SECRET FILE.json...
// Each FILE is {"headers": {...}, "body": "<exact body>"}. Prints one line
// per file; exits 1 when any fails. The library rejects timestamps older
// than five minutes, so verify soon after delivery.
"use strict";
const fs = require("fs");
const { Webhook } = require("standardwebhooks");

const [secret, ...files] = process.argv.slice(2);
const hook = new Webhook(secret);  // whsec_<base64>, as the library takes it
let failed = 0;
for (const file of files) {
  const rec = JSON.parse(fs.readFileSync(file, "utf8"));
  try {
    hook.verify(rec.body, rec.headers);
    console.log(`verified ${file}`);
  } catch (e) {
    failed++;
    console.log(`FAILED ${file}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
