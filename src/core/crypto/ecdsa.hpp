// SPDX-License-Identifier: MIT
/// ECDSA over NIST P-256 with SHA-256 (SendGrid's signed event webhook), through OpenSSL.
#pragma once

#include "core/error.hpp"

#include <memory>
#include <string>
#include <string_view>

using EVP_PKEY = struct evp_pkey_st;

namespace hooks::crypto {

/// A P-256 key read from text: PEM ("-----BEGIN PUBLIC KEY-----", "PRIVATE KEY", "EC PRIVATE
/// KEY") or the base64 of the DER bytes without armour (SendGrid shows its verification key as
/// base64 SubjectPublicKeyInfo). Holds a public key, or a private key that also verifies.
class P256Key {
  public:
    /// Reads a public or private key. Fails (input error) on anything else, including keys of
    /// other curves and algorithms; the message never quotes the key.
    static Result<P256Key> parse(std::string_view text);

    bool is_private() const { return m_is_private; }

    /// The DER ECDSA signature (the form SendGrid base64-encodes) of SHA-256(`data`); fails on
    /// a public key. ECDSA signatures are randomised: two calls give two signatures.
    Result<std::string> sign(std::string_view data) const;

    /// Whether `der_signature` is a valid DER ECDSA signature of SHA-256(`data`).
    bool verify(std::string_view data, std::string_view der_signature) const;

  private:
    P256Key(std::shared_ptr<EVP_PKEY> key, bool is_private);

    std::shared_ptr<EVP_PKEY> m_key;
    bool m_is_private = false;
};

} // namespace hooks::crypto
