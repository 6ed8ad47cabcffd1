// SPDX-License-Identifier: MIT
#include "core/providers/credential_scheme.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/providers/verify_support.hpp"
#include "core/text/text.hpp"

namespace hooks::providers {

std::unique_ptr<CredentialScheme> CredentialScheme::gitlab() {
    ProviderInfo info;
    info.name = "gitlab";
    info.title = "GitLab";
    info.summary = "GitLab: the secret token itself in X-Gitlab-Token, compared as is; nothing is "
                   "signed";
    info.algorithm = "a shared token, compared in constant time (nothing is signed)";
    info.signed_content = "nothing: the body and the time are not protected";
    info.signature_header = "X-Gitlab-Token";
    info.signature_syntax = "<the secret token>";
    info.other_headers = {"X-Gitlab-Event", "Idempotency-Key"};
    info.key_format = "the token as given (GitLab drops line breaks from it before sending)";
    info.sends_secret_itself = true;
    return std::unique_ptr<CredentialScheme>(
        new CredentialScheme(Kind::token, std::move(info), "X-Gitlab-Event"));
}

std::unique_ptr<CredentialScheme> CredentialScheme::postmark() {
    ProviderInfo info;
    info.name = "postmark";
    info.title = "Postmark";
    info.summary = "Postmark: HTTP Basic auth from the user:password in the webhook URL; nothing "
                   "is signed";
    info.algorithm = "HTTP Basic auth (RFC 7617), compared in constant time (nothing is signed)";
    info.signed_content = "nothing: the body and the time are not protected";
    info.signature_header = "Authorization";
    info.signature_syntax = "Basic <base64 of user:password>";
    info.key_format = "user:password, as in https://user:password@host/ in Postmark's settings";
    info.sends_secret_itself = true;
    return std::unique_ptr<CredentialScheme>(
        new CredentialScheme(Kind::basic, std::move(info), ""));
}

CredentialScheme::CredentialScheme(Kind kind, ProviderInfo info, std::string detect_header)
    : m_kind(kind), m_info(std::move(info)), m_detect_header(std::move(detect_header)) {}

std::string CredentialScheme::credential_for(const Secret& secret) const {
    if (m_kind == Kind::basic) {
        return "Basic " + crypto::base64_encode(secret.value);
    }
    // GitLab removes line breaks from the token it sends.
    std::string token;
    for (char c : secret.value) {
        if (c != '\r' && c != '\n') {
            token += c;
        }
    }
    return token;
}

Result<void> CredentialScheme::check_secrets(std::span<const Secret> secrets) const {
    for (const Secret& secret : secrets) {
        if (secret.value.empty()) {
            return fail(ErrorKind::input, "secret from " + secret.label + " is empty");
        }
        if (m_kind == Kind::basic && secret.value.find(':') == std::string::npos) {
            return fail(ErrorKind::input, "secret from " + secret.label +
                                              " is not user:password (Basic auth needs both)");
        }
    }
    return {};
}

Result<VerifyResult> CredentialScheme::verify(const VerifyInput& input) const {
    if (auto valid = check_secrets(input.secrets); !valid) {
        return tl::unexpected(valid.error());
    }
    auto header = single_header(input.message, m_info.signature_header);
    if (!header) {
        return header.error();
    }
    if (m_kind == Kind::basic && !message::names_equal(header->substr(0, 6), "Basic ")) {
        return invalid("format", "Authorization is not Basic auth");
    }
    for (const Secret& secret : input.secrets) {
        // The scheme name is case-insensitive (RFC 7617); the credentials are not.
        std::string expected = credential_for(secret);
        std::string_view got = *header;
        if (m_kind == Kind::basic) {
            expected.erase(0, 6);
            got.remove_prefix(6);
        }
        if (crypto::constant_time_equal(got, expected)) {
            VerifyResult result = valid_result(m_info.signature_header, secret.label);
            result.reason = m_info.signature_header + " matches " + secret.label +
                            " (a shared secret: the body is not signed)";
            return result;
        }
    }
    std::string labels;
    for (const Secret& secret : input.secrets) {
        labels += (labels.empty() ? "" : ", ") + secret.label;
    }
    return invalid("signature", m_info.signature_header + " does not match " +
                                    (labels.empty() ? "any secret (none given)" : labels));
}

Result<SignOutput> CredentialScheme::sign(const SignInput& input) const {
    if (input.secrets.size() != 1) {
        return fail(ErrorKind::usage, m_info.title + " sends one credential; give one secret");
    }
    if (auto valid = check_secrets(input.secrets); !valid) {
        return tl::unexpected(valid.error());
    }
    SignOutput output;
    output.headers.push_back({m_info.signature_header, credential_for(input.secrets.front())});
    return output;
}

std::string CredentialScheme::describe_signed_content(const VerifyInput& /*input*/) const {
    return "nothing: " + m_info.signature_header + " carries the secret itself";
}

Evidence CredentialScheme::evidence_in(const message::Message& message) const {
    auto value = message.first_header(m_info.signature_header);
    if (!value) {
        return {};
    }
    if (m_kind == Kind::basic) {
        // Anyone may use Basic auth: only a hint.
        if (!message::names_equal(value->substr(0, 6), "Basic ")) {
            return {};
        }
        return {EvidenceStrength::weak, "Authorization: Basic"};
    }
    if (!m_detect_header.empty() && message.first_header(m_detect_header)) {
        return {EvidenceStrength::confirmed, m_info.signature_header + " with " + m_detect_header};
    }
    return {EvidenceStrength::header, m_info.signature_header};
}

} // namespace hooks::providers
