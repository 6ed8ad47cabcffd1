// SPDX-License-Identifier: MIT
#include "core/providers/twilio_scheme.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/providers/verify_support.hpp"
#include "core/text/text.hpp"

#include <algorithm>

namespace hooks::providers {
namespace {

constexpr std::string_view k_signature_header = "X-Twilio-Signature";
constexpr std::string_view k_body_hash_parameter = "bodySHA256=";

Result<std::string> decode_component(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%') {
            if (i + 2 >= text.size()) {
                return fail(ErrorKind::input, "form body has a truncated percent escape");
            }
            int high = text::hex_digit_value(text[i + 1]);
            int low = text::hex_digit_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return fail(ErrorKind::input, "form body has an invalid percent escape");
            }
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::optional<std::string> query_parameter(std::string_view url, std::string_view name_equals) {
    size_t query = url.find('?');
    if (query == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = url.substr(query + 1);
    rest = rest.substr(0, rest.find('#'));
    while (!rest.empty()) {
        std::string_view pair = rest.substr(0, rest.find('&'));
        if (pair.substr(0, name_equals.size()) == name_equals) {
            return std::string(pair.substr(name_equals.size()));
        }
        rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
    }
    return std::nullopt;
}

// Twilio's libraries accept the URL both with and without an explicit default port, since
// proxies differ in whether they keep it.
std::vector<std::string> url_variants(std::string_view url) {
    std::vector<std::string> variants{std::string(url)};
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return variants;
    }
    std::string_view scheme = url.substr(0, scheme_end);
    size_t host_start = scheme_end + 3;
    size_t host_end = url.find_first_of("/?#", host_start);
    if (host_end == std::string_view::npos) {
        host_end = url.size();
    }
    std::string_view authority = url.substr(host_start, host_end - host_start);
    size_t bracket = authority.rfind(']');
    size_t colon = authority.rfind(':');
    bool has_port =
        colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
    std::string head(url.substr(0, host_start));
    std::string tail(url.substr(host_end));
    if (has_port) {
        variants.push_back(head + std::string(authority.substr(0, colon)) + tail);
    } else if (scheme == "https" || scheme == "http") {
        variants.push_back(head + std::string(authority) + (scheme == "https" ? ":443" : ":80") +
                           tail);
    }
    return variants;
}

bool is_json_like(std::string_view body) {
    size_t first = body.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

std::string mac(std::string_view token, std::string_view content) {
    return crypto::hmac(crypto::DigestAlgorithm::sha1, token, content);
}

using FormParams = std::vector<std::pair<std::string, std::string>>;

// The form parameters Twilio signs after the URL; none when the URL carries bodySHA256.
Result<FormParams> signed_params(std::string_view url, std::string_view body) {
    if (query_parameter(url, k_body_hash_parameter)) {
        return FormParams();
    }
    return parse_form(body);
}

} // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> params;
    while (!body.empty()) {
        std::string_view pair = body.substr(0, body.find('&'));
        body.remove_prefix(std::min(body.size(), pair.size() + 1));
        if (pair.empty()) {
            continue;
        }
        size_t equals = pair.find('=');
        auto name = decode_component(pair.substr(0, equals));
        auto value = decode_component(equals == std::string_view::npos ? std::string_view()
                                                                       : pair.substr(equals + 1));
        if (!name || !value) {
            return tl::unexpected(!name ? name.error() : value.error());
        }
        params.emplace_back(std::move(*name), std::move(*value));
    }
    return params;
}

std::string twilio_form_content(std::string_view url,
                                std::vector<std::pair<std::string, std::string>> params) {
    std::sort(params.begin(), params.end());
    params.erase(std::unique(params.begin(), params.end()), params.end());
    std::string content(url);
    for (const auto& [name, value] : params) {
        content += name + value;
    }
    return content;
}

TwilioScheme::TwilioScheme() {
    m_info.name = "twilio";
    m_info.title = "Twilio";
    m_info.summary = "Twilio: base64 HMAC-SHA1 of the URL plus sorted form parameters, or of the "
                     "URL with bodySHA256 for JSON bodies";
    m_info.algorithm = "HMAC-SHA1, base64";
    m_info.signed_content = "{url}{name1}{value1}{name2}{value2}... or {url} with bodySHA256";
    m_info.signature_header = std::string(k_signature_header);
    m_info.signature_syntax = "<base64 signature>";
    m_info.key_format = "the account's auth token as given; needs --url";
}

std::string TwilioScheme::describe_signed_content(const VerifyInput& input) const {
    if (query_parameter(input.url, k_body_hash_parameter)) {
        return input.url + " (the URL alone; the body is checked against bodySHA256)";
    }
    return input.url + " + sorted form parameters of the " + describe_body(input.message.body);
}

Result<void> TwilioScheme::check_secrets(std::span<const Secret> secrets) const {
    for (const Secret& secret : secrets) {
        if (secret.value.empty()) {
            return fail(ErrorKind::input, "secret from " + secret.label + " is empty");
        }
    }
    return {};
}

Result<VerifyResult> TwilioScheme::verify(const VerifyInput& input) const {
    if (input.url.empty()) {
        return fail(ErrorKind::usage, "Twilio signs the full request URL; pass --url");
    }
    auto header = single_header(input.message, k_signature_header);
    if (!header) {
        return header.error();
    }
    auto expected = crypto::base64_decode(*header);
    if (auto body_hash = query_parameter(input.url, k_body_hash_parameter)) {
        std::string actual =
            crypto::hex_encode(crypto::digest(crypto::DigestAlgorithm::sha256, input.message.body));
        if (!crypto::constant_time_equal(actual, *body_hash)) {
            return invalid("body", "bodySHA256 in the URL does not match the SHA-256 of the body");
        }
    }
    auto params = signed_params(input.url, input.message.body);
    if (!params) {
        return invalid("format", "body is neither form-encoded nor covered by bodySHA256: " +
                                     params.error().message);
    }
    std::vector<std::string> contents;
    for (const std::string& url : url_variants(input.url)) {
        contents.push_back(twilio_form_content(url, *params));
    }
    for (const Secret& secret : input.secrets) {
        if (secret.value.empty()) {
            return fail(ErrorKind::input, "secret from " + secret.label + " is empty");
        }
        for (const std::string& content : contents) {
            if (expected && crypto::constant_time_equal(mac(secret.value, content), *expected)) {
                return valid_result(k_signature_header, secret.label);
            }
        }
    }
    return signature_mismatch(k_signature_header, input.secrets, !expected || expected->empty());
}

Result<SignOutput> TwilioScheme::sign(const SignInput& input) const {
    if (input.url.empty()) {
        return fail(ErrorKind::usage, "Twilio signs the full request URL; pass --url");
    }
    if (input.secrets.size() != 1 || input.secrets.front().value.empty()) {
        return fail(ErrorKind::usage, "Twilio sends a single signature; give one auth token");
    }
    SignOutput output;
    std::string url = input.url;
    bool is_json = is_json_like(input.body);
    for (const message::Header& header : input.headers) {
        if (message::names_equal(header.name, "Content-Type")) {
            is_json = header.value.find("json") != std::string::npos;
        }
    }
    if (is_json && !query_parameter(url, k_body_hash_parameter)) {
        // Twilio signs JSON bodies by putting their hash in the URL and signing the URL.
        std::string hash =
            crypto::hex_encode(crypto::digest(crypto::DigestAlgorithm::sha256, input.body));
        url += (url.find('?') == std::string::npos ? "?" : "&") +
               std::string(k_body_hash_parameter) + hash;
        output.notes.push_back("the body is JSON, so Twilio signs the URL with its hash: send to " +
                               url);
    }
    auto params = signed_params(url, input.body);
    if (!params) {
        return fail(ErrorKind::input, "body is not form-encoded: " + params.error().message);
    }
    std::string content = twilio_form_content(url, std::move(*params));
    output.headers.push_back({std::string(k_signature_header),
                              crypto::base64_encode(mac(input.secrets.front().value, content))});
    return output;
}

} // namespace hooks::providers
