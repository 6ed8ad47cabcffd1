// SPDX-License-Identifier: MIT
#include "core/providers/mailgun_scheme.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/providers/twilio_scheme.hpp"
#include "core/providers/verify_support.hpp"
#include "core/text/json_scanner.hpp"
#include "core/text/text.hpp"

#include <nlohmann/json.hpp>

namespace hooks::providers {
namespace {

constexpr std::size_t k_max_depth = 64;

/// The three signed fields, from a JSON body's signature object or a form body.
struct SignatureFields {
    std::string timestamp;
    std::string token;
    std::string signature;
};

std::optional<std::string> text_of(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end()) {
        return std::nullopt;
    }
    if (found->is_string()) {
        return found->get<std::string>();
    }
    // The docs show the timestamp as a string; a number is read as the digits it has.
    if (found->is_number_unsigned()) {
        return std::to_string(found->get<std::uint64_t>());
    }
    return std::nullopt;
}

std::optional<SignatureFields> json_fields(std::string_view body) {
    auto document = nlohmann::json::parse(body, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return std::nullopt;
    }
    auto object = document.find("signature");
    if (object == document.end() || !object->is_object()) {
        return std::nullopt;
    }
    auto timestamp = text_of(*object, "timestamp");
    auto token = text_of(*object, "token");
    auto signature = text_of(*object, "signature");
    if (!timestamp || !token || !signature) {
        return std::nullopt;
    }
    return SignatureFields{*timestamp, *token, *signature};
}

std::optional<SignatureFields> form_fields(std::string_view body) {
    auto params = parse_form(body);
    if (!params) {
        return std::nullopt;
    }
    std::optional<std::string> timestamp, token, signature;
    for (auto& [name, value] : *params) {
        if (name == "timestamp") {
            timestamp = std::move(value);
        } else if (name == "token") {
            token = std::move(value);
        } else if (name == "signature") {
            signature = std::move(value);
        }
    }
    if (!timestamp || !token || !signature) {
        return std::nullopt;
    }
    return SignatureFields{*timestamp, *token, *signature};
}

std::optional<SignatureFields> read_fields(std::string_view body) {
    auto fields = json_fields(body);
    return fields ? fields : form_fields(body);
}

// Where the string value of /signature/signature is in a JSON body, quotes included.
std::optional<std::pair<std::size_t, std::size_t>> signature_value_span(std::string_view body) {
    text::JsonScanner scanner(body, k_max_depth);
    std::vector<std::string> path; // the key each open container is the value of
    std::string key;
    while (auto token = scanner.next()) {
        switch (token->kind) {
        case text::JsonTokenKind::begin_object:
        case text::JsonTokenKind::begin_array:
            path.push_back(key);
            key.clear();
            break;
        case text::JsonTokenKind::end_object:
        case text::JsonTokenKind::end_array:
            path.pop_back();
            break;
        case text::JsonTokenKind::string:
            if (token->is_key) {
                text::decode_json_string(token->text, key);
            } else if (path.size() == 2 && path[1] == "signature" && key == "signature") {
                return std::pair(static_cast<std::size_t>(token->text.data() - body.data()),
                                 token->text.size());
            }
            break;
        default:
            break;
        }
    }
    return std::nullopt;
}

} // namespace

MailgunScheme::MailgunScheme() {
    m_info.name = "mailgun";
    m_info.title = "Mailgun";
    m_info.summary = "Mailgun: in the body's signature object, hex HMAC-SHA256 of timestamp + "
                     "token; the event data is not signed";
    m_info.algorithm = "HMAC-SHA256, hex";
    m_info.signed_content = "{signature.timestamp}{signature.token} (from the body, not the body)";
    m_info.signature_header = "(body) signature.signature";
    m_info.signature_syntax = R"({"signature": {"timestamp": "<s>", "token": "<50 hex>", )"
                              R"("signature": "<hex>"}, "event-data": {...}})";
    m_info.key_format = "the HTTP webhook signing key as given";
    m_info.signs_time = true;
}

Result<void> MailgunScheme::check_secrets(std::span<const Secret> secrets) const {
    for (const Secret& secret : secrets) {
        if (secret.value.empty()) {
            return fail(ErrorKind::input, "secret from " + secret.label + " is empty");
        }
    }
    return {};
}

Result<VerifyResult> MailgunScheme::verify(const VerifyInput& input) const {
    if (auto valid = check_secrets(input.secrets); !valid) {
        return tl::unexpected(valid.error());
    }
    auto fields = read_fields(input.message.body);
    if (!fields) {
        return invalid("format", "no signature object (timestamp, token, signature) in the body");
    }
    auto time = sent_time(fields->timestamp, TimestampUnit::seconds);
    if (!time) {
        return time.error();
    }
    auto candidate = crypto::hex_decode(fields->signature);
    std::optional<std::string> matched;
    for (const Secret& secret : input.secrets) {
        std::string mac = crypto::hmac(crypto::DigestAlgorithm::sha256, secret.value,
                                       fields->timestamp + fields->token);
        if (candidate && !candidate->empty() && crypto::constant_time_equal(mac, *candidate)) {
            matched = secret.label;
            break;
        }
    }
    const std::string where = "the body's signature object";
    VerifyResult result =
        matched ? valid_result(where, *matched)
                : signature_mismatch(where, input.secrets, !candidate || candidate->empty());
    if (matched) {
        result.reason += " (it signs timestamp and token, not the event data)";
    }
    if (input.tolerance && input.tolerance->count() > 0) {
        apply_tolerance(result, *time, input.now, input.tolerance, true);
        result.has_replay_protection = true;
    }
    return result;
}

Result<SignOutput> MailgunScheme::sign(const SignInput& input) const {
    if (input.secrets.size() != 1) {
        return fail(ErrorKind::usage, "Mailgun sends a single signature; give one secret");
    }
    if (auto valid = check_secrets(input.secrets); !valid) {
        return tl::unexpected(valid.error());
    }
    auto fields = json_fields(input.body);
    auto span = signature_value_span(input.body);
    if (!fields || !span) {
        return fail(ErrorKind::usage,
                    "Mailgun signs inside the body: it needs a JSON object with "
                    R"("signature": {"timestamp": "...", "token": "...", "signature": ""})");
    }
    std::string mac = crypto::hex_encode(crypto::hmac(crypto::DigestAlgorithm::sha256,
                                                      input.secrets.front().value,
                                                      fields->timestamp + fields->token));
    SignOutput output;
    output.body = std::string(input.body.substr(0, span->first)) + '"' + mac + '"' +
                  std::string(input.body.substr(span->first + span->second));
    output.notes.push_back("Mailgun carries its signature in the body: signature.signature = " +
                           mac);
    return output;
}

std::string MailgunScheme::describe_signed_content(const VerifyInput& input) const {
    auto fields = read_fields(input.message.body);
    if (!fields) {
        return "<no signature object in the body>";
    }
    return text::printable(fields->timestamp) + text::printable(fields->token) +
           " (signature.timestamp then signature.token)";
}

Evidence MailgunScheme::evidence_in(const message::Message& message) const {
    // Every request --provider auto sees comes here: parse only a body that names all three.
    std::string_view body = message.body;
    for (std::string_view word : {"signature", "token", "timestamp"}) {
        if (body.find(word) == std::string_view::npos) {
            return {};
        }
    }
    if (!read_fields(body)) {
        return {};
    }
    return {EvidenceStrength::weak, "the body's signature object (timestamp, token, signature)"};
}

} // namespace hooks::providers
