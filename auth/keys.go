package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// MinRSABits is the smallest RSA modulus accepted from a PEM or a JWKS.
const MinRSABits = 2048

// parsePublicKeyPEM reads the first PEM block: a PKIX public key, a PKCS#1
// RSA public key or an X.509 certificate. Private keys are refused so a
// signing key is never deployed to the verifying side by mistake.
func parsePublicKeyPEM(text string) (any, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("auth: public key: no PEM block found")
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("auth: public key: PEM block %q is not a public key or certificate", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: public key: %w", err)
	}
	if err := checkPublicKey(key); err != nil {
		return nil, err
	}
	return key, nil
}

func checkPublicKey(key any) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < MinRSABits {
			return fmt.Errorf("auth: RSA key of %d bits, at least %d required", k.N.BitLen(), MinRSABits)
		}
	case *ecdsa.PublicKey:
		if curveAlg(k.Curve) == "" {
			return fmt.Errorf("auth: unsupported ECDSA curve %s", k.Curve.Params().Name)
		}
	default:
		return fmt.Errorf("auth: unsupported public key type %T", key)
	}
	return nil
}

// curveAlg is the only ES algorithm a curve may be used with (RFC 7518 §3.4).
func curveAlg(c elliptic.Curve) string {
	switch c {
	case elliptic.P256():
		return "ES256"
	case elliptic.P384():
		return "ES384"
	case elliptic.P521():
		return "ES512"
	}
	return ""
}

// keyFits refuses a key that does not belong to alg's family, whatever the
// library underneath would do: an RSA key never verifies an HS256 token and
// a P-256 key never an ES512 one.
func keyFits(alg string, key any) error {
	switch supportedAlgs[alg] {
	case famHMAC:
		if _, ok := key.([]byte); ok {
			return nil
		}
	case famRSA:
		if _, ok := key.(*rsa.PublicKey); ok {
			return nil
		}
	case famECDSA:
		if k, ok := key.(*ecdsa.PublicKey); ok {
			if curveAlg(k.Curve) == alg {
				return nil
			}
			return &AlgorithmError{Alg: alg, Reason: "curve " + k.Curve.Params().Name + " does not match"}
		}
	}
	return &AlgorithmError{Alg: alg, Reason: fmt.Sprintf("does not match the %s key", keyKind(key))}
}

func keyKind(key any) string {
	switch key.(type) {
	case []byte:
		return "HMAC"
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "ECDSA"
	}
	return fmt.Sprintf("%T", key)
}
