// SPDX-License-Identifier: MIT
/// The interface every signature scheme implements: sign a body, verify a message, describe itself.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"
#include "core/providers/secret.hpp"
#include "core/providers/timestamp.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hooks::providers {

/// What `hooks providers NAME` shows: every fact a user needs to sign or verify by hand.
struct ProviderInfo {
    std::string name;
    std::string title;
    std::string summary;
    std::string algorithm;        ///< "HMAC-SHA256, hex" or "Ed25519, hex"
    std::string signed_content;   ///< "{timestamp}.{body}"
    std::string signature_header; ///< the header detection looks for
    std::string signature_syntax; ///< "t=<timestamp>,v1=<signature>[,v1=...]"
    std::vector<std::string> other_headers;
    std::string key_format;
    std::optional<std::chrono::seconds> tolerance; ///< empty: no timestamp check
    bool rejects_future = false;
    TimestampUnit timestamp_unit = TimestampUnit::seconds;
    bool can_sign = true;
    bool needs_secret = true; ///< false for providers that do not sign (Codex)
    /// The provider sends the secret itself (GitLab's token, Postmark's Basic auth) in
    /// `signature_header`, not a signature of it: that header's value is never printed.
    bool sends_secret_itself = false;
    /// A send time is part of what is signed, even when no default tolerance checks it
    /// (Discord, Mailgun, SendGrid): --tolerance can.
    bool signs_time = false;
};

/// How strongly a message points at one provider, for `--provider auto`.
enum class EvidenceStrength {
    none,      ///< nothing of this provider
    weak,      ///< a hint others could give too: a body shape, Basic auth, a foreign prefix
    header,    ///< its signature header
    confirmed, ///< its signature header and a header only this provider sends
};

/// What `--provider auto` found of a scheme in a message, and what decided it.
struct Evidence {
    EvidenceStrength strength = EvidenceStrength::none;
    std::string decided_by; ///< "X-Hub-Signature-256", "X-Hub-Signature with X-Event-Key"
};

/// Everything a verification looks at.
struct VerifyInput {
    VerifyInput(const message::Message& message_to_check, std::span<const Secret> secrets_to_try)
        : message(message_to_check), secrets(secrets_to_try) {}

    const message::Message& message;
    std::span<const Secret> secrets;
    UnixMillis now{0};
    /// Overrides the provider's tolerance; zero disables the timestamp check.
    std::optional<std::chrono::seconds> tolerance;
    /// The full URL the request was sent to (Twilio signs it).
    std::string url;
};

/// The outcome of a verification. Invalid is a result, not an error.
struct VerifyResult {
    bool is_valid = false;
    /// Which check decided: "signature", "timestamp", "header", "format", "version", "ambiguous".
    std::string check;
    /// One line: why it failed, or what matched.
    std::string reason;
    /// now - timestamp, in seconds, when the scheme has a timestamp.
    std::optional<long long> skew_seconds;
    /// Label of the secret that matched.
    std::string matched_secret;
    /// Whether a send time was checked, so that a captured delivery replayed later would fail.
    /// False for schemes that sign no timestamp (GitHub, Shopify, ...): a valid signature then
    /// says nothing about when the request was made.
    bool has_replay_protection = false;
};

/// Everything signing needs.
struct SignInput {
    std::string_view body;
    std::span<const Secret> secrets;
    std::string id;
    UnixMillis timestamp{0};
    std::string url;
    std::string method = "POST";
    std::vector<message::Header> headers;
};

/// The headers the provider would send, in the provider's order, plus notes for the user.
struct SignOutput {
    std::vector<message::Header> headers;
    std::vector<std::string> notes;
    /// The body to send instead of the input's, for a provider that carries its signature in
    /// the body (Mailgun): the input's bytes with only the signature's value filled in.
    std::optional<std::string> body;
};

/// A provider's signature scheme.
class Scheme {
  public:
    Scheme() = default;
    Scheme(const Scheme&) = delete;
    Scheme& operator=(const Scheme&) = delete;
    virtual ~Scheme() = default;

    /// Name, headers, key format and tolerance, for listing and explaining.
    virtual const ProviderInfo& info() const = 0;

    /// Checks the message against each secret. Fails (exit 2) only when a secret cannot be
    /// decoded into a key of this scheme's format; every failed check is a VerifyResult.
    virtual Result<VerifyResult> verify(const VerifyInput& input) const = 0;

    /// The headers the provider would send for `input.body`. Fails on unusable secrets.
    virtual Result<SignOutput> sign(const SignInput& input) const = 0;

    /// The signed content for this message, with the body abbreviated: for `--explain`.
    virtual std::string describe_signed_content(const VerifyInput& input) const = 0;

    /// Checks that each secret can be used by verify() (decodes into a key of this scheme's
    /// format), so that a long-running receiver can refuse one at start instead of reporting
    /// every delivery invalid. Fails (input error) naming the secret's label, never its value.
    virtual Result<void> check_secrets(std::span<const Secret> /*secrets*/) const { return {}; }

    /// Whether verify() reads VerifyInput::url, so that a caller need not build it otherwise.
    virtual bool signs_url() const { return false; }

    /// What of this scheme `message` carries (for `--provider auto`): by default its
    /// signature header.
    virtual Evidence evidence_in(const message::Message& message) const {
        if (!message.first_header(info().signature_header)) {
            return {};
        }
        return {EvidenceStrength::header, info().signature_header};
    }
};

} // namespace hooks::providers
