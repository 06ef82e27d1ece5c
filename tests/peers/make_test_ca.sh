#!/bin/sh
# Makes a throwaway certificate authority and a server certificate for
# 127.0.0.1 and localhost, signed by it, in DIR: ca.pem, server.pem and
# server.key. Run by the tests at test time, so no key is ever committed.
# Usage: make_test_ca.sh DIR
set -eu
dir="$1"
cd "$dir"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.pem -days 2 -subj "/CN=plazo test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
cat > server.ext <<EXT
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 1 \
  -days 2 -extfile server.ext -out server.pem 2>/dev/null
