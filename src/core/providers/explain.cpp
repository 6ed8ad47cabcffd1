// SPDX-License-Identifier: MIT
#include "core/providers/explain.hpp"

#include "core/crypto/encoding.hpp"
#include "core/providers/profile_scheme.hpp"

#include <nlohmann/json.hpp>

namespace hooks::providers {
namespace {

bool matches(const Scheme& scheme, const VerifyInput& input) {
    auto result = scheme.verify(input);
    return result && result->is_valid;
}

VerifyInput with_parts(const VerifyInput& input, const message::Message& message,
                       std::span<const Secret> secrets) {
    VerifyInput variant(message, secrets);
    variant.now = input.now;
    variant.tolerance = input.tolerance;
    variant.url = input.url;
    return variant;
}

bool matches_with_body(const Scheme& scheme, const VerifyInput& input, std::string body) {
    message::Message changed = input.message;
    changed.body = std::move(body);
    return matches(scheme, with_parts(input, changed, input.secrets));
}

bool matches_with_secret(const Scheme& scheme, const VerifyInput& input, Secret secret) {
    std::vector<Secret> secrets{std::move(secret)};
    return matches(scheme, with_parts(input, input.message, secrets));
}

std::string trim_whitespace(std::string_view text) {
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    size_t last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

/// `body` with every CRLF made LF, or every lone LF made CRLF.
std::string with_line_endings(std::string_view body, bool to_crlf) {
    std::string out;
    out.reserve(body.size() + (to_crlf ? body.size() / 16 : 0));
    for (std::size_t i = 0; i < body.size(); ++i) {
        bool is_crlf = body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n';
        if (!to_crlf && is_crlf) {
            continue; // the LF follows
        }
        if (to_crlf && body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) {
            out += '\r';
        }
        out += body[i];
    }
    return out;
}

std::string shape_of(std::string_view body, bool& is_json, std::string& compact) {
    std::string shape = std::to_string(body.size()) + " bytes";
    // ordered_json keeps key order, as JSON.stringify(JSON.parse(body)) does.
    auto parsed = nlohmann::ordered_json::parse(body.begin(), body.end(), nullptr, false);
    is_json = !parsed.is_discarded();
    if (is_json) {
        compact = parsed.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        shape += compact == body ? ", compact JSON" : ", JSON that is not compact";
    } else {
        shape += body.empty() ? ", empty" : ", not JSON";
    }
    if (!body.empty() && body.back() == '\n') {
        shape += body.size() > 1 && body[body.size() - 2] == '\r' ? ", ends in CRLF"
                                                                  : ", ends in a newline";
    } else {
        shape += ", no trailing newline";
    }
    return shape;
}

void explain_body(const Scheme& scheme, const VerifyInput& input, bool is_json,
                  const std::string& compact, std::vector<std::string>& findings) {
    const std::string& body = input.message.body;
    bool has_newline = !body.empty() && body.back() == '\n';
    if (has_newline) {
        std::string trimmed = body.substr(0, body.size() - 1);
        if (!trimmed.empty() && trimmed.back() == '\r') {
            trimmed.pop_back();
        }
        if (matches_with_body(scheme, input, trimmed)) {
            findings.push_back("the signature matches the body without its trailing newline: "
                               "an editor or `echo` added it; save the body byte-exact");
            return;
        }
    }
    // An editor, git's autocrlf or a Windows tool that changed line endings after signing.
    bool has_crlf = body.find("\r\n") != std::string::npos;
    bool has_lone_lf = with_line_endings(body, true) != body;
    if (has_crlf && matches_with_body(scheme, input, with_line_endings(body, false))) {
        findings.push_back("the signature matches the body with LF line endings instead of "
                           "CRLF: its line endings were changed after signing (an editor, "
                           "git's core.autocrlf); save the body byte-exact");
        return;
    }
    if (has_lone_lf && matches_with_body(scheme, input, with_line_endings(body, true))) {
        findings.push_back("the signature matches the body with CRLF line endings instead of "
                           "LF: its line endings were changed after signing (an editor, git's "
                           "core.autocrlf); save the body byte-exact");
        return;
    }
    if (is_json && compact != body && matches_with_body(scheme, input, compact)) {
        findings.push_back("the signature matches the body re-serialized as compact JSON (what "
                           "JSON.stringify(req.body) gives): the body you have was re-formatted "
                           "after signing, or the sender signed parsed JSON; verify raw bytes");
        return;
    }
    if (has_newline) {
        findings.push_back("the body ends in a newline; senders rarely sign one, but removing "
                           "it does not make the signature match either");
    }
}

void explain_secrets(const Scheme& scheme, const VerifyInput& input,
                     std::vector<std::string>& findings) {
    const auto* profile_scheme = dynamic_cast<const ProfileScheme*>(&scheme);
    for (const Secret& secret : input.secrets) {
        std::string trimmed = trim_whitespace(secret.value);
        if (trimmed != secret.value) {
            bool is_match =
                !trimmed.empty() && matches_with_secret(scheme, input, {trimmed, secret.label});
            findings.push_back("the secret from " + secret.label +
                               " has leading or trailing whitespace" +
                               (is_match ? "; the signature matches once it is trimmed" : ""));
        }
        if (profile_scheme == nullptr || secret.value.rfind("whsec_", 0) != 0) {
            continue;
        }
        std::string after_prefix = secret.value.substr(6);
        if (profile_scheme->profile().key_format == KeyFormat::raw) {
            auto decoded = crypto::base64_decode(after_prefix);
            if (decoded && !decoded->empty() &&
                matches_with_secret(scheme, input, {*decoded, secret.label})) {
                findings.push_back("the sender used the whsec_ secret from " + secret.label +
                                   " the Standard Webhooks way (base64-decoded bytes after the "
                                   "prefix); " +
                                   scheme.info().title + " uses the whole string verbatim");
            }
        } else if (profile_scheme->profile().key_format == KeyFormat::whsec_base64) {
            if (matches_with_secret(
                    scheme, input,
                    {"whsec_" + crypto::base64_encode(secret.value), secret.label})) {
                findings.push_back("the sender used the whsec_ secret from " + secret.label +
                                   " verbatim as the key (the Stripe way); " + scheme.info().title +
                                   " keys are the base64-decoded bytes after 'whsec_'");
            } else if (matches_with_secret(
                           scheme, input,
                           {"whsec_" + crypto::base64_encode(after_prefix), secret.label})) {
                findings.push_back("the sender used the base64 text after 'whsec_' from " +
                                   secret.label + " without decoding it");
            }
        }
    }
}

void explain_timestamp(const Scheme& scheme, const VerifyResult& result,
                       std::vector<std::string>& findings) {
    if (result.check != "timestamp" || !result.skew_seconds) {
        return;
    }
    long long skew = *result.skew_seconds;
    if (scheme.info().timestamp_unit == TimestampUnit::seconds &&
        (skew < -1'000'000'000'000LL / 2)) {
        findings.push_back("the timestamp looks like milliseconds; " + scheme.info().title +
                           " sends seconds");
    } else {
        findings.push_back("the signature itself matches; the delivery is " +
                           std::to_string(skew < 0 ? -skew : skew) + " s " +
                           (skew < 0 ? "ahead of" : "behind") +
                           " the clock: a replayed or stored delivery, or a wrong clock; "
                           "--now sets the time checked against, --tolerance 0 skips the check");
    }
}

} // namespace

Explanation explain(const Scheme& scheme, const VerifyInput& input, const VerifyResult& result) {
    Explanation explanation;
    explanation.signed_content = scheme.describe_signed_content(input);
    bool is_json = false;
    std::string compact;
    explanation.body_shape = shape_of(input.message.body, is_json, compact);
    if (result.is_valid) {
        return explanation;
    }
    explain_timestamp(scheme, result, explanation.findings);
    if (result.check == "signature") {
        explain_body(scheme, input, is_json, compact, explanation.findings);
        explain_secrets(scheme, input, explanation.findings);
        if (explanation.findings.empty()) {
            explanation.findings.push_back(
                "no common mistake explains the mismatch: check that the secret is this "
                "endpoint's, that the body is the raw bytes received, and the provider");
        }
    }
    return explanation;
}

} // namespace hooks::providers
