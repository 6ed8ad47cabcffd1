// SPDX-License-Identifier: MIT
#include "core/providers/sendgrid_scheme.hpp"

#include "core/crypto/ecdsa.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/verify_support.hpp"
#include "core/text/text.hpp"

namespace hooks::providers {
namespace {

constexpr std::string_view k_signature_header = "X-Twilio-Email-Event-Webhook-Signature";
constexpr std::string_view k_timestamp_header = "X-Twilio-Email-Event-Webhook-Timestamp";

} // namespace

SendgridScheme::SendgridScheme() {
    m_info.name = "sendgrid";
    m_info.title = "SendGrid";
    m_info.summary = "SendGrid (Twilio) event webhook: base64 DER ECDSA P-256 of timestamp + body "
                     "(CRLF included); verify with the public key";
    m_info.algorithm = "ECDSA P-256 with SHA-256, base64 DER";
    m_info.signed_content = "{timestamp}{body}";
    m_info.signature_header = std::string(k_signature_header);
    m_info.signature_syntax = "<base64 of a DER ECDSA signature>";
    m_info.other_headers = {std::string(k_timestamp_header)};
    m_info.key_format = "verify: the verification key (base64 DER public key, or PEM); sign, for "
                        "testing only: a P-256 private key you generated (PEM)";
    m_info.signs_time = true;
}

Result<void> SendgridScheme::check_secrets(std::span<const Secret> secrets) const {
    for (const Secret& secret : secrets) {
        if (auto key = crypto::P256Key::parse(secret.value); !key) {
            return fail(ErrorKind::input,
                        "secret from " + secret.label + ": " + key.error().message);
        }
    }
    return {};
}

Result<VerifyResult> SendgridScheme::verify(const VerifyInput& input) const {
    // Each key is read once per verification (listen verifies every delivery).
    std::vector<crypto::P256Key> keys;
    keys.reserve(input.secrets.size());
    for (const Secret& secret : input.secrets) {
        auto key = crypto::P256Key::parse(secret.value);
        if (!key) {
            return fail(ErrorKind::input,
                        "secret from " + secret.label + ": " + key.error().message);
        }
        keys.push_back(std::move(*key));
    }
    auto sent = signature_and_time(input.message, k_signature_header, k_timestamp_header);
    if (!sent) {
        return sent.error();
    }
    auto signature = crypto::base64_decode(sent->signature);
    if (!signature || signature->empty()) {
        return invalid("format", "no base64 signature in " + std::string(k_signature_header));
    }
    std::string content = std::string(sent->timestamp) + input.message.body;
    std::optional<std::string> matched;
    for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].verify(content, *signature)) {
            matched = input.secrets[i].label;
            break;
        }
    }
    VerifyResult result = matched ? valid_result(k_signature_header, *matched)
                                  : signature_mismatch(k_signature_header, input.secrets, false);
    if (input.tolerance && input.tolerance->count() > 0) {
        apply_tolerance(result, sent->sent_at, input.now, input.tolerance, false);
        result.has_replay_protection = true;
    }
    return result;
}

Result<SignOutput> SendgridScheme::sign(const SignInput& input) const {
    if (input.secrets.size() != 1) {
        return fail(ErrorKind::usage, "SendGrid sends a single signature; give one private key");
    }
    const Secret& secret = input.secrets.front();
    auto key = crypto::P256Key::parse(secret.value);
    if (!key) {
        return fail(ErrorKind::input, "secret from " + secret.label + ": " + key.error().message);
    }
    if (!key->is_private()) {
        return fail(ErrorKind::usage,
                    "SendGrid signs with its own private key, which it keeps: sendgrid can "
                    "only be verified. To test a receiver, sign with a P-256 private key you "
                    "generate (openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 "
                    "-topk8 -nocrypt) and give it its public key");
    }
    std::string timestamp = format_timestamp(input.timestamp, TimestampUnit::seconds);
    auto signature = key->sign(timestamp + std::string(input.body));
    if (!signature) {
        return tl::unexpected(signature.error());
    }
    SignOutput output;
    output.headers.push_back({std::string(k_signature_header), crypto::base64_encode(*signature)});
    output.headers.push_back({std::string(k_timestamp_header), timestamp});
    output.notes.push_back("signed with your own P-256 key, for testing: SendGrid's real "
                           "deliveries verify only with the public key SendGrid shows");
    return output;
}

std::string SendgridScheme::describe_signed_content(const VerifyInput& input) const {
    const message::Message& m = input.message;
    return std::string(m.first_header(k_timestamp_header).value_or("<missing timestamp>")) +
           describe_body(m.body);
}

} // namespace hooks::providers
