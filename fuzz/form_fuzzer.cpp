// SPDX-License-Identifier: MIT
// Twilio's form bodies: parse_form decodes what it accepts losslessly (re-encoding every byte
// and parsing again gives the same pairs), and TwilioScheme::verify takes any URL and body.
#include "core/providers/twilio_scheme.hpp"
#include "fuzz_target.hpp"

#include <algorithm>
#include <string>
#include <string_view>

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string percent_encode(std::string_view text) {
    static constexpr char k_digits[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        out += '%';
        out += k_digits[byte >> 4U];
        out += k_digits[byte & 0x0fU];
    }
    return out;
}

void check_form(std::string_view body) {
    auto params = hooks::providers::parse_form(body);
    if (!params) {
        return;
    }
    HOOKS_FUZZ_CHECK(params->size() <=
                     static_cast<size_t>(std::count(body.begin(), body.end(), '&')) + 1);
    std::string encoded;
    for (const auto& [name, value] : *params) {
        encoded +=
            (encoded.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(value);
    }
    auto reparsed = hooks::providers::parse_form(encoded);
    HOOKS_FUZZ_CHECK(reparsed.has_value() && *reparsed == *params);

    std::string content = hooks::providers::twilio_form_content("https://example.com/", *params);
    HOOKS_FUZZ_CHECK(content.rfind("https://example.com/", 0) == 0);
}

// The first line is the URL Twilio signed, the rest the body; the signature is made up.
void check_verify(std::string_view input) {
    static const hooks::providers::TwilioScheme k_scheme;
    size_t newline = input.find('\n');
    hooks::message::Message message;
    message.headers.push_back({"X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="});
    message.body = newline == std::string_view::npos ? "" : std::string(input.substr(newline + 1));
    const hooks::providers::Secret secret{"12345678901234567890123456789012", "--secret #1"};
    hooks::providers::VerifyInput verify_input(message, std::span(&secret, 1));
    verify_input.url = std::string(input.substr(0, newline));
    auto result = k_scheme.verify(verify_input);
    HOOKS_FUZZ_CHECK(!result || !result->is_valid);
    (void)k_scheme.describe_signed_content(verify_input);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_form(input);
    check_verify(input);
    return 0;
}
