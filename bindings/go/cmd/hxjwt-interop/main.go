// Command hxjwt-interop is the Go program of the cross-runtime interop matrix
// (tests/interop/README.md), and a worked example of the hxjwt package's public API.
//
// Usage:
//
//	hxjwt-interop hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE
//	hxjwt-interop hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE
//	hxjwt-interop es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE
//	hxjwt-interop es256-verify PUBLIC_JWK_FILE TOKEN_FILE
//	hxjwt-interop jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE
//	hxjwt-interop jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE
//
// hx1-create prints the HX1 token (TTL 300 s) for the recipient's machine token; hx1-validate
// validates a token as sent by the sender whose machine token is given (no directory) and prints
// the payload bytes exactly; es256-sign prints a compact ES256 JWS of the claims (a JSON object,
// signed as the file gives it, without surrounding whitespace); es256-verify verifies with the algorithms ["ES256"] and no
// audience, and prints the claims exactly as signed; jwe-encrypt prints a compact JWE of exactly
// the payload bytes, made with the key management algorithm ALG and the content encryption ENC
// for the key of the JWK file (a public JWK, or a secret "oct" JWK for dir, A*KW and A*GCMKW);
// jwe-decrypt decrypts a compact JWE accepting only that ALG and that ENC, with the private (or
// oct) JWK of the file, and prints the plaintext bytes exactly.
//
// Exit status: 0 on success; 1 when hxjwt refuses something, with "error: <Kind>: <message>" on
// stderr (Kind is the *hxjwt.Error's kind); 2 for usage errors and files that cannot be read.
// Every decision is the library's: this program reads files (a token file may end with
// whitespace, which is dropped) and turns errors into the contract's lines.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"hxjwt.dev/hxjwt"
)

const usage = `usage: hxjwt-interop hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE
       hxjwt-interop hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE
       hxjwt-interop es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE
       hxjwt-interop es256-verify PUBLIC_JWK_FILE TOKEN_FILE
       hxjwt-interop jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE
       hxjwt-interop jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE
`

// maxFileBytes bounds what a file may cost: far above any token or key.
const maxFileBytes = 64 << 20

// ttl is the lifetime of the tokens hx1-create makes (the contract's).
const ttl = 300 * time.Second

// fileError is a file that cannot be read or written: exit status 2.
type fileError struct{ error }

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError{fmt.Errorf("cannot read %s: %w", path, err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fileError{fmt.Errorf("cannot read %s: %w", path, err)}
	}
	if len(data) > maxFileBytes {
		return nil, fileError{fmt.Errorf("cannot read %s: larger than %d bytes", path, maxFileBytes)}
	}
	return data, nil
}

// readText is a file as a string (a JWK): the package takes it as it is, and the library
// refuses what is not UTF-8 or holds a NUL byte.
func readText(path string) (string, error) {
	data, err := readFile(path)
	return string(data), err
}

// readToken is a token file without its trailing whitespace.
func readToken(path string) (string, error) {
	data, err := readFile(path)
	return string(bytes.TrimRight(data, " \t\r\n\v\f")), err
}

func write(data []byte) error {
	if _, err := os.Stdout.Write(data); err != nil {
		return fileError{fmt.Errorf("cannot write stdout: %w", err)}
	}
	return nil
}

// hx1Create seals the payload for the recipient's machine token, from this identity.
func hx1Create(identityFile, recipientFile, payloadFile string) error {
	jwk, err := readText(identityFile)
	if err != nil {
		return err
	}
	recipient, err := readText(recipientFile)
	if err != nil {
		return err
	}
	payload, err := readFile(payloadFile)
	if err != nil {
		return err
	}
	identity, err := hxjwt.IdentityFromJWK(jwk)
	if err != nil {
		return err
	}
	defer identity.Close()
	endpoint, err := hxjwt.NewEndpoint(identity, nil)
	if err != nil {
		return err
	}
	defer endpoint.Close()
	token, err := endpoint.CreateFor(recipient, payload, ttl)
	if err != nil {
		return err
	}
	return write([]byte(token + "\n"))
}

// hx1Validate validates the token as sent by the sender whose machine token is given, and prints
// the payload.
func hx1Validate(identityFile, senderFile, tokenFile string) error {
	jwk, err := readText(identityFile)
	if err != nil {
		return err
	}
	sender, err := readText(senderFile)
	if err != nil {
		return err
	}
	token, err := readToken(tokenFile)
	if err != nil {
		return err
	}
	identity, err := hxjwt.IdentityFromJWK(jwk)
	if err != nil {
		return err
	}
	defer identity.Close()
	endpoint, err := hxjwt.NewEndpoint(identity, nil)
	if err != nil {
		return err
	}
	defer endpoint.Close()
	message, err := endpoint.ValidateFrom(token, sender)
	if err != nil {
		return err
	}
	return write(message.Payload)
}

// es256Sign signs the claims (a JSON object, as the file gives it but for surrounding
// whitespace) with ES256.
func es256Sign(privateJWKFile, claimsFile string) error {
	jwk, err := readText(privateJWKFile)
	if err != nil {
		return err
	}
	claims, err := readFile(claimsFile)
	if err != nil {
		return err
	}
	key, err := hxjwt.KeyFromJWK(jwk)
	if err != nil {
		return err
	}
	defer key.Close()
	token, err := hxjwt.Sign(bytes.TrimSpace(claims), key, "ES256")
	if err != nil {
		return err
	}
	return write([]byte(token + "\n"))
}

// es256Verify verifies with the algorithms ["ES256"] and no audience, and prints the claims.
func es256Verify(publicJWKFile, tokenFile string) error {
	jwk, err := readText(publicJWKFile)
	if err != nil {
		return err
	}
	token, err := readToken(tokenFile)
	if err != nil {
		return err
	}
	key, err := hxjwt.KeyFromJWK(jwk)
	if err != nil {
		return err
	}
	defer key.Close()
	validation, err := hxjwt.NewValidation(hxjwt.ValidationOptions{Algorithms: []string{"ES256"}})
	if err != nil {
		return err
	}
	defer validation.Close()
	claims, err := hxjwt.Verify(token, key, validation)
	if err != nil {
		return err
	}
	return write(append(claims, '\n'))
}

// jweEncrypt encrypts the payload bytes for the recipient's key with alg and enc (compact).
func jweEncrypt(alg, enc, recipientFile, payloadFile string) error {
	jwk, err := readText(recipientFile)
	if err != nil {
		return err
	}
	payload, err := readFile(payloadFile)
	if err != nil {
		return err
	}
	defer wipe(payload)
	key, err := hxjwt.JWEKeyFromJWK(jwk)
	if err != nil {
		return err
	}
	defer key.Close()
	token, err := hxjwt.JWEEncrypt(payload, key, alg, enc)
	if err != nil {
		return err
	}
	return write([]byte(token + "\n"))
}

// jweDecrypt decrypts a compact JWE accepting only alg and enc, and prints the plaintext.
func jweDecrypt(alg, enc, privateFile, tokenFile string) error {
	jwk, err := readText(privateFile)
	if err != nil {
		return err
	}
	token, err := readToken(tokenFile)
	if err != nil {
		return err
	}
	key, err := hxjwt.JWEKeyFromJWK(jwk)
	if err != nil {
		return err
	}
	defer key.Close()
	decryption, err := hxjwt.NewJWEDecryption(hxjwt.JWEOptions{Algorithms: []string{alg}, Encryptions: []string{enc}})
	if err != nil {
		return err
	}
	defer decryption.Close()
	decrypted, err := hxjwt.JWEDecrypt(token, key, decryption)
	if err != nil {
		return err
	}
	defer decrypted.Wipe()
	return write(decrypted.Plaintext)
}

// wipe overwrites a buffer that held a plaintext.
func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

type command struct {
	args int
	run  func(args []string) error
}

var commands = map[string]command{
	"hx1-create":   {3, func(a []string) error { return hx1Create(a[0], a[1], a[2]) }},
	"hx1-validate": {3, func(a []string) error { return hx1Validate(a[0], a[1], a[2]) }},
	"es256-sign":   {2, func(a []string) error { return es256Sign(a[0], a[1]) }},
	"es256-verify": {2, func(a []string) error { return es256Verify(a[0], a[1]) }},
	"jwe-encrypt":  {4, func(a []string) error { return jweEncrypt(a[0], a[1], a[2], a[3]) }},
	"jwe-decrypt":  {4, func(a []string) error { return jweDecrypt(a[0], a[1], a[2], a[3]) }},
}

func usageError(problem string) int {
	fmt.Fprintf(os.Stderr, "hxjwt-interop: %s\n%s", problem, usage)
	return 2
}

func run(args []string) int {
	if len(args) == 0 {
		return usageError("no command")
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return usageError(fmt.Sprintf("unknown command %q", args[0]))
	}
	if len(args)-1 != cmd.args {
		return usageError(fmt.Sprintf("%s takes %d arguments, not %d", args[0], cmd.args, len(args)-1))
	}
	err := cmd.run(args[1:])
	var herr *hxjwt.Error
	var ferr fileError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &herr):
		fmt.Fprintf(os.Stderr, "error: %s\n", herr) // "<Kind>: <message>"
		return 1
	case errors.As(err, &ferr):
		fmt.Fprintf(os.Stderr, "error: %v\n", ferr.error)
		return 2
	default:
		fmt.Fprintf(os.Stderr, "error: Internal: %v\n", err)
		return 1
	}
}

func main() {
	os.Exit(run(os.Args[1:]))
}
