// SPDX-License-Identifier: MIT
/// A signature scheme described as data (built-in providers and --provider-file): HMAC over a
/// content template, and for versioned profiles Ed25519 too (Standard Webhooks v1a).
#pragma once

#include "core/crypto/hmac.hpp"
#include "core/error.hpp"
#include "core/message/message.hpp"
#include "core/providers/timestamp.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::providers {

/// How the signature header lays out its signatures.
enum class SignatureFormat {
    plain,     ///< `<prefix><signature>` (GitHub `sha256=…`, Shopify, seed platforms)
    versioned, ///< space-separated `<version>,<signature>` (Standard Webhooks, Svix)
    key_value, ///< `t=<ts>,v1=<sig>,v1=<sig>` with a configurable separator (Stripe, Paddle)
};

/// How the secret text becomes HMAC key bytes.
enum class KeyFormat {
    raw,          ///< the bytes as given (Stripe uses its `whsec_…` string verbatim)
    whsec_base64, ///< strip an optional `whsec_`, then base64-decode (Standard Webhooks, Svix)
    base64,       ///< base64-decode
    hex,          ///< hex-decode
};

/// How the MAC is written in the header.
enum class SignatureEncoding { hex, base64 };

/// How the secret and the signed content make the MAC.
enum class MacConstruction {
    hmac,               ///< HMAC(key, content): every provider but HubSpot's v1 and v2
    secret_prefix_hash, ///< digest(key + content), a plain hash (HubSpot v1, v2)
};

/// Everything that distinguishes one profile-described scheme from another.
struct SchemeProfile {
    std::string name;
    std::string title;
    std::string summary;
    crypto::DigestAlgorithm algorithm = crypto::DigestAlgorithm::sha256;
    SignatureEncoding encoding = SignatureEncoding::hex;
    /// Template over {id}, {timestamp}, {body}, {method}, {url}; body bytes are inserted raw.
    std::string signed_content = "{body}";
    std::string signature_header;
    SignatureFormat format = SignatureFormat::plain;
    std::string signature_prefix;  ///< plain: text before the signature
    std::string signature_version; ///< versioned: version tag; key_value: signature key
    std::string ed25519_version;   ///< versioned: tag of Ed25519 signatures ("v1a"), or empty
    char pair_separator = ',';     ///< key_value
    std::string timestamp_key;     ///< key_value: key of the timestamp pair
    std::string timestamp_header;  ///< header carrying the timestamp, or empty
    std::string id_header;         ///< header carrying the message id, or empty
    TimestampUnit timestamp_unit = TimestampUnit::seconds;
    std::optional<std::chrono::seconds> tolerance;
    bool rejects_future = false;
    KeyFormat key_format = KeyFormat::raw;
    MacConstruction construction = MacConstruction::hmac;
    /// Headers sent with a fixed value (HubSpot's X-HubSpot-Signature-Version: v1). Signing adds
    /// them; a message that has one with another value is not this provider's (detection) and
    /// does not verify.
    std::vector<message::Header> fixed_headers;
    /// Headers that only this provider sends besides its signature header (X-GitHub-Event,
    /// Bitbucket's X-Event-Key): when two providers share a signature header, the one whose
    /// detect header is present is the one detected.
    std::vector<std::string> detect_headers;
    /// A JSON Pointer to the send time inside the body (Linear's /webhookTimestamp): checked
    /// against the tolerance, not part of the signed content's template (the body is signed).
    std::string timestamp_field;
    /// Percent-escapes decoded in {url} before it is signed, as HubSpot's v3 documentation
    /// says ("%3A" -> ':'); verification accepts the URL decoded or as given.
    std::vector<std::string> url_unescapes;

    /// Whether the signed content includes a timestamp.
    bool is_timestamped() const;
    /// Whether a send time is checked: a signed timestamp, or one inside the signed body.
    bool has_freshness() const;
    /// Whether the signed content includes a message id.
    bool has_id() const;
};

/// Parses one profile from a JSON object. Fails naming the offending field.
Result<SchemeProfile> parse_scheme_profile(std::string_view json_text);

/// Parses a profile file: one JSON object, or an array of them.
Result<std::vector<SchemeProfile>> parse_scheme_profiles(std::string_view json_text);

/// The JSON profiles of the built-in providers that a profile describes.
std::string_view builtin_profiles_json();

} // namespace hooks::providers
