// SPDX-License-Identifier: MIT
// Provider detection and every built-in scheme's verify() over a message the input describes:
// `Name: value` lines, a blank line, then the body. Detection names a provider and what decided
// it or fails on one line; verify() fails only when check_secrets() refuses the fixed secret,
// and its result is one line, names the check, and when valid names the secret; turning the
// tolerance off never turns a valid result invalid.
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/registry.hpp"
#include "fuzz_target.hpp"

#include <algorithm>
#include <string>
#include <string_view>

namespace {

using hooks::providers::VerifyResult;

constexpr long long k_now_millis = 1'700'000'000'000LL;
constexpr size_t k_max_headers = 24;
constexpr std::string_view k_url = "https://example.com/hooks?account=1";

// The hex public key of the seed 0x2a...: 64 hex digits are also valid base64 and raw bytes,
// so every signing scheme can decode it (Discord reads it as its Ed25519 public key).
const hooks::providers::Secret& secret() {
    static const hooks::providers::Secret k_secret = [] {
        std::string seed(hooks::crypto::k_ed25519_seed_size, '\x2a');
        return hooks::providers::Secret{
            hooks::crypto::hex_encode(hooks::crypto::ed25519_public_key(seed).value()), "fuzz"};
    }();
    return k_secret;
}

// The secret to try with `scheme`: one its key format takes, so that its parsers are reached.
// SendGrid verifies with a P-256 public key (its published test key); Postmark's Basic auth
// needs user:password.
const hooks::providers::Secret& secret_for(const hooks::providers::Scheme& scheme) {
    static const hooks::providers::Secret k_sendgrid{
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/"
        "7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==",
        "fuzz"};
    static const hooks::providers::Secret k_postmark{"fuzz:" + secret().value, "fuzz"};
    const std::string& name = scheme.info().name;
    return name == "sendgrid" ? k_sendgrid : name == "postmark" ? k_postmark : secret();
}

std::string_view trim_blanks(std::string_view text) {
    size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Header lines up to the first empty line, the rest is the body. A line without ':' is a
// header with an empty value; a CR before LF is dropped.
hooks::message::Message message_from(std::string_view input) {
    hooks::message::Message message;
    message.method = "POST";
    message.target = "/hooks?account=1";
    while (!input.empty()) {
        size_t end = input.find('\n');
        std::string_view line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            break;
        }
        if (message.headers.size() < k_max_headers) {
            size_t colon = line.find(':');
            std::string_view value =
                colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
            message.headers.push_back(
                {std::string(trim_blanks(line.substr(0, colon))), std::string(trim_blanks(value))});
        }
    }
    message.body = std::string(input);
    return message;
}

bool is_one_line(std::string_view text) {
    return text.find_first_of("\r\n") == std::string_view::npos;
}

void check_detection(const hooks::providers::Registry& registry,
                     const hooks::message::Message& message) {
    auto detection = registry.detect(message);
    if (!detection) {
        HOOKS_FUZZ_CHECK(!detection.error().message.empty());
        HOOKS_FUZZ_CHECK(is_one_line(detection.error().message));
        return;
    }
    HOOKS_FUZZ_CHECK(detection->scheme != nullptr);
    HOOKS_FUZZ_CHECK(!detection->decided_by.empty() && is_one_line(detection->decided_by));
    HOOKS_FUZZ_CHECK(std::any_of(registry.all().begin(), registry.all().end(),
                                 [&](const auto& s) { return s.get() == detection->scheme; }));
    HOOKS_FUZZ_CHECK(detection->scheme->evidence_in(message).strength !=
                     hooks::providers::EvidenceStrength::none);
}

void check_result(const hooks::providers::Scheme& scheme, const hooks::message::Message& message,
                  const VerifyResult& result) {
    HOOKS_FUZZ_CHECK(!result.check.empty() && !result.reason.empty());
    HOOKS_FUZZ_CHECK(is_one_line(result.reason));
    if (result.is_valid) {
        HOOKS_FUZZ_CHECK(result.matched_secret == secret().label);
        HOOKS_FUZZ_CHECK(scheme.info().signature_header.empty() ||
                         message.first_header(scheme.info().signature_header).has_value());
    }
}

void check_scheme(const hooks::providers::Scheme& scheme, const hooks::message::Message& message) {
    const hooks::providers::Secret& key = secret_for(scheme);
    auto usable = scheme.check_secrets(std::span(&key, 1));
    hooks::providers::VerifyInput input(message, std::span(&key, 1));
    input.now = hooks::providers::UnixMillis(k_now_millis);
    input.url = std::string(k_url);
    (void)scheme.describe_signed_content(input);
    auto result = scheme.verify(input);
    // verify() fails exactly when check_secrets() refuses the secret, whatever the message.
    HOOKS_FUZZ_CHECK(result.has_value() == usable.has_value());
    if (!result) {
        HOOKS_FUZZ_CHECK(!result.error().message.empty() && is_one_line(result.error().message));
        return;
    }
    check_result(scheme, message, *result);

    // --tolerance 0: the send time is not checked, so only a timestamp failure can go away.
    input.tolerance = std::chrono::seconds(0);
    auto untimed = scheme.verify(input);
    HOOKS_FUZZ_CHECK(untimed.has_value());
    check_result(scheme, message, *untimed);
    HOOKS_FUZZ_CHECK(!result->is_valid || untimed->is_valid);
    HOOKS_FUZZ_CHECK(result->is_valid || !untimed->is_valid || result->check == "timestamp");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const hooks::providers::Registry k_registry = hooks::providers::Registry::builtin();
    hooks::message::Message message =
        message_from(std::string_view(reinterpret_cast<const char*>(data), size));
    check_detection(k_registry, message);
    for (const auto& scheme : k_registry.all()) {
        check_scheme(*scheme, message);
    }
    return 0;
}
