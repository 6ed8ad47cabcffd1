// SPDX-License-Identifier: MIT
// Signature header parsers, and the verify() of every built-in provider given the input as its
// signature header: never a crash, and never "valid" for a header the fuzzer made up.
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/registry.hpp"
#include "core/providers/signature_header.hpp"
#include "fuzz_target.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace {

using hooks::providers::SignatureEntry;

constexpr std::string_view k_body = R"({"type":"invoice.paid","data":{"id":"in_1"}})";
constexpr long long k_now_seconds = 1'700'000'000;

bool has_blank_edge(std::string_view text) {
    return !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
                             text.back() == '\t');
}

void check_versioned_list(std::string_view header) {
    size_t total = 0;
    for (const SignatureEntry& entry : hooks::providers::parse_versioned_list(header)) {
        HOOKS_FUZZ_CHECK(entry.key.find(' ') == std::string::npos);
        HOOKS_FUZZ_CHECK(entry.key.find(',') == std::string::npos);
        HOOKS_FUZZ_CHECK(entry.value.find(' ') == std::string::npos);
        total += entry.key.size() + entry.value.size();
    }
    HOOKS_FUZZ_CHECK(total <= header.size());
}

void check_key_value_list(std::string_view header, char separator) {
    size_t total = 0;
    for (const SignatureEntry& entry : hooks::providers::parse_key_value_list(header, separator)) {
        HOOKS_FUZZ_CHECK(entry.key.find(separator) == std::string::npos);
        HOOKS_FUZZ_CHECK(entry.key.find('=') == std::string::npos);
        HOOKS_FUZZ_CHECK(entry.value.find(separator) == std::string::npos);
        HOOKS_FUZZ_CHECK(!has_blank_edge(entry.key) && !has_blank_edge(entry.value));
        total += entry.key.size() + entry.value.size();
    }
    HOOKS_FUZZ_CHECK(total <= header.size());
}

// Secrets in every key format the providers take: whsec_ base64, an Ed25519 public key, a hex
// key (also valid base64 and raw), and a plain token.
const std::array<hooks::providers::Secret, 4>& secrets() {
    static const std::array<hooks::providers::Secret, 4> k_secrets = [] {
        std::string seed(hooks::crypto::k_ed25519_seed_size, '\x2a');
        std::string public_key = hooks::crypto::ed25519_public_key(seed).value();
        return std::array<hooks::providers::Secret, 4>{{
            {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec"},
            {"whpk_" + hooks::crypto::base64_encode(public_key), "whpk"},
            {hooks::crypto::hex_encode(public_key), "hex"},
            {"shpss_0123456789abcdef", "token"},
        }};
    }();
    return k_secrets;
}

// The provider's signature header carries each line of the input (several lines make several
// headers, which must read as ambiguous); its other headers get fixed, well-formed values.
hooks::message::Message message_for(const hooks::providers::ProviderInfo& info,
                                    const std::vector<std::string_view>& values) {
    hooks::message::Message message;
    message.body = std::string(k_body);
    for (std::string_view value : values) {
        message.headers.push_back({info.signature_header, std::string(value)});
    }
    for (const std::string& name : info.other_headers) {
        bool is_timestamp = name.find("imestamp") != std::string::npos;
        std::string value =
            is_timestamp ? std::to_string(k_now_seconds) : "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
        if (is_timestamp && info.timestamp_unit == hooks::providers::TimestampUnit::milliseconds) {
            value += "000";
        }
        message.headers.push_back({name, value});
    }
    return message;
}

void check_providers(std::string_view header_text) {
    static const hooks::providers::Registry k_registry = hooks::providers::Registry::builtin();
    std::vector<std::string_view> values;
    for (size_t start = 0; values.size() < 3;) {
        size_t end = header_text.find('\n', start);
        values.push_back(header_text.substr(start, end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    for (const auto& scheme : k_registry.all()) {
        hooks::message::Message message = message_for(scheme->info(), values);
        (void)k_registry.detect(message);
        (void)scheme->describe_signed_content(
            hooks::providers::VerifyInput(message, std::span(secrets())));
        for (const hooks::providers::Secret& secret : secrets()) {
            hooks::providers::VerifyInput input(message, std::span(&secret, 1));
            input.now = hooks::providers::UnixMillis(k_now_seconds * 1000);
            input.url = "https://example.com/hooks?account=1";
            auto result = scheme->verify(input);
            HOOKS_FUZZ_CHECK(!result || !result->is_valid);
            HOOKS_FUZZ_CHECK(!result || !result->check.empty());
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_versioned_list(input);
    check_key_value_list(input, ',');
    check_key_value_list(input, ';');
    check_providers(input);
    return 0;
}
