// SPDX-License-Identifier: MIT
// Provider profile files (--provider-file, the built-in profiles): whatever parses signs a fixed
// body with a secret every key format decodes (and with Ed25519 keys where the profile takes
// them), and the signed message verifies with that secret and carries the profile's evidence
// for --provider auto. Errors and reasons are one line; nothing throws.
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/profile_scheme.hpp"
#include "core/providers/scheme_profile.hpp"
#include "fuzz_target.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace {

using hooks::providers::SchemeProfile;
using hooks::providers::Secret;

constexpr long long k_sent_millis = 1'700'000'000'123LL;
constexpr size_t k_max_profiles = 8;
constexpr std::string_view k_body = R"({"type":"invoice.paid","data":{"id":"in_1"}})";
// Escapes HubSpot v3 decodes, and one no profile does.
constexpr std::string_view k_url = "https://example.com/hooks%3Fa?next=%2Fb%3Ac&x=%41";

// 64 hex digits: also valid base64 and whsec_ base64, so every key format decodes it.
const Secret k_hmac_secret{"2a1c0f3e5d7b9a8c6e4f2d0b1a3c5e7f9d8b6a4c2e0f1d3b5a7c9e8f6d4b2a0c",
                           "hmac"};

// An Ed25519 signing key and its public key, Standard Webhooks style.
const std::vector<Secret>& ed25519_secrets() {
    static const std::vector<Secret> k_secrets = [] {
        std::string seed(hooks::crypto::k_ed25519_seed_size, '\x2a');
        std::string public_key = hooks::crypto::ed25519_public_key(seed).value();
        return std::vector<Secret>{{"whsk_" + hooks::crypto::base64_encode(seed), "whsk"},
                                   {"whpk_" + hooks::crypto::base64_encode(public_key), "whpk"}};
    }();
    return k_secrets;
}

// A JSON string literal of `text` (valid UTF-8, since it came out of a parsed profile).
std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// A body holding the send time at the profile's timestamp_field ("/a/b" -> {"a":{"b":T}}),
// or the fixed body when the profile has none.
std::string body_for(const SchemeProfile& profile, const std::string& timestamp) {
    if (profile.timestamp_field.empty()) {
        return std::string(k_body);
    }
    std::string value = profile.timestamp_unit == hooks::providers::TimestampUnit::rfc3339
                            ? json_string(timestamp)
                            : timestamp;
    std::string_view pointer(profile.timestamp_field);
    std::string open;
    std::string close;
    while (!pointer.empty()) {
        pointer.remove_prefix(1);
        size_t end = pointer.find('/');
        std::string token(pointer.substr(0, end));
        pointer = end == std::string_view::npos ? std::string_view() : pointer.substr(end);
        for (size_t at = token.find('~'); at != std::string::npos; at = token.find('~', at + 1)) {
            if (at + 1 < token.size() && (token[at + 1] == '0' || token[at + 1] == '1')) {
                token.replace(at, 2, token[at + 1] == '0' ? "~" : "/");
            }
        }
        open += "{" + json_string(token) + ":";
        close += "}";
    }
    return open + value + close;
}

bool is_one_line(std::string_view text) {
    return text.find_first_of("\r\n") == std::string_view::npos;
}

bool has_any_of(std::string_view text, std::string_view characters) {
    return text.find_first_of(characters) != std::string_view::npos;
}

// Profiles that parse but whose own signatures cannot verify, so the fuzzer expects an invalid
// result for them: two of the headers signing sends share a name (verify then sees several
// differing values, or a fixed header with another value), or a version tag or key holds the
// character its header list is split on (or blanks a key-value list trims).
bool is_unverifiable(const SchemeProfile& p) {
    std::vector<hooks::message::Header> sent{{p.signature_header, "signature"}};
    if (p.has_id()) {
        sent.push_back({p.id_header, "id"});
    }
    if (!p.timestamp_header.empty()) {
        sent.push_back({p.timestamp_header, "timestamp"});
    }
    sent.insert(sent.end(), p.fixed_headers.begin(), p.fixed_headers.end());
    for (size_t i = 0; i < sent.size(); ++i) {
        for (size_t j = i + 1; j < sent.size(); ++j) {
            if (hooks::message::names_equal(sent[i].name, sent[j].name) &&
                sent[i].value != sent[j].value) {
                return true;
            }
        }
    }
    switch (p.format) {
    case hooks::providers::SignatureFormat::plain:
        return false;
    case hooks::providers::SignatureFormat::versioned:
        return has_any_of(p.signature_version, " ,") || has_any_of(p.ed25519_version, " ,");
    case hooks::providers::SignatureFormat::key_value: {
        std::string special = std::string("= \t") + p.pair_separator;
        return has_any_of(p.signature_version, special) ||
               (p.is_timestamped() && p.timestamp_header.empty() &&
                has_any_of(p.timestamp_key, special));
    }
    }
    return false;
}

// Signs with `signing`, then verifies the signed message with `verifying`.
void check_signed(const hooks::providers::ProfileScheme& scheme, const Secret& signing,
                  const Secret& verifying) {
    const SchemeProfile& profile = scheme.profile();
    hooks::providers::UnixMillis sent_at(k_sent_millis);
    std::string timestamp = hooks::providers::format_timestamp(sent_at, profile.timestamp_unit);
    hooks::message::Message message;
    message.method = "POST";
    message.target = "/hooks";
    message.body = body_for(profile, timestamp);
    hooks::providers::SignInput sign_input;
    sign_input.body = message.body;
    sign_input.secrets = std::span(&signing, 1);
    sign_input.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    sign_input.timestamp = sent_at;
    sign_input.url = std::string(k_url);
    auto signed_headers = scheme.sign(sign_input);
    HOOKS_FUZZ_CHECK(signed_headers.has_value());
    message.headers = signed_headers->headers;

    hooks::providers::VerifyInput input(message, std::span(&verifying, 1));
    input.now = sent_at;
    input.url = std::string(k_url);
    (void)scheme.describe_signed_content(input);
    auto result = scheme.verify(input);
    HOOKS_FUZZ_CHECK(result.has_value());
    HOOKS_FUZZ_CHECK(!result->check.empty() && is_one_line(result->reason));

    // Any body the sender makes up, here a JSON array where a timestamp_field may point.
    hooks::message::Message other = message;
    other.body = "[[0],{\"a\":[1]}]";
    hooks::providers::VerifyInput other_input(other, std::span(&verifying, 1));
    other_input.now = sent_at;
    auto other_result = scheme.verify(other_input);
    HOOKS_FUZZ_CHECK(other_result.has_value() && is_one_line(other_result->reason));
    if (is_unverifiable(profile)) {
        return;
    }
    if (!result->is_valid) {
        std::fprintf(stderr, "%s: %s: %s\n", profile.name.c_str(), result->check.c_str(),
                     result->reason.c_str());
    }
    HOOKS_FUZZ_CHECK(result->is_valid && result->matched_secret == verifying.label);
    // --provider auto with this profile alone finds it: its own signature header is there.
    HOOKS_FUZZ_CHECK(scheme.evidence_in(message).strength >=
                     hooks::providers::EvidenceStrength::header);
}

// A send time only the body carries is not looked for without a tolerance (--tolerance 0):
// the fixed body, which has none, then verifies.
void check_untimed(const hooks::providers::ProfileScheme& scheme) {
    const SchemeProfile& profile = scheme.profile();
    if (profile.timestamp_field.empty() || profile.is_timestamped() || is_unverifiable(profile)) {
        return;
    }
    hooks::message::Message message;
    message.method = "POST";
    message.body = std::string(k_body);
    hooks::providers::SignInput sign_input;
    sign_input.body = message.body;
    sign_input.secrets = std::span(&k_hmac_secret, 1);
    sign_input.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    sign_input.url = std::string(k_url);
    auto signed_headers = scheme.sign(sign_input);
    HOOKS_FUZZ_CHECK(signed_headers.has_value());
    message.headers = signed_headers->headers;
    hooks::providers::VerifyInput input(message, std::span(&k_hmac_secret, 1));
    input.url = std::string(k_url);
    input.tolerance = std::chrono::seconds(0);
    auto result = scheme.verify(input);
    HOOKS_FUZZ_CHECK(result.has_value() && result->is_valid);
}

void check_profile(const SchemeProfile& profile) {
    hooks::providers::ProfileScheme scheme(profile);
    HOOKS_FUZZ_CHECK(scheme.info().name == profile.name);
    HOOKS_FUZZ_CHECK(scheme.check_secrets(std::span(&k_hmac_secret, 1)).has_value());
    check_signed(scheme, k_hmac_secret, k_hmac_secret);
    check_untimed(scheme);
    if (!profile.ed25519_version.empty()) {
        check_signed(scheme, ed25519_secrets()[0], ed25519_secrets()[0]);
        check_signed(scheme, ed25519_secrets()[0], ed25519_secrets()[1]);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto profiles = hooks::providers::parse_scheme_profiles(text);
    if (!profiles) {
        HOOKS_FUZZ_CHECK(!profiles.error().message.empty());
        HOOKS_FUZZ_CHECK(is_one_line(profiles.error().message));
        return 0;
    }
    for (size_t i = 0; i < profiles->size() && i < k_max_profiles; ++i) {
        check_profile((*profiles)[i]);
    }
    return 0;
}
