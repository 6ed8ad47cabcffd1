// SPDX-License-Identifier: MIT
#include "core/providers/unsigned_scheme.hpp"

namespace hooks::providers {

UnsignedScheme::UnsignedScheme(std::string name, std::string title, std::string summary) {
    m_info.name = std::move(name);
    m_info.title = std::move(title);
    m_info.summary = std::move(summary);
    m_info.algorithm = "none: " + m_info.title + " does not sign its webhooks";
    m_info.signed_content = "nothing";
    m_info.signature_header = "(none)";
    m_info.signature_syntax = "(none)";
    m_info.key_format = "no secret";
    m_info.needs_secret = false;
}

Result<VerifyResult> UnsignedScheme::verify(const VerifyInput& /*input*/) const {
    VerifyResult result;
    result.check = "header";
    result.reason = m_info.title + " does not sign its webhooks: there is no signature to check";
    return result;
}

Result<SignOutput> UnsignedScheme::sign(const SignInput& /*input*/) const {
    SignOutput output;
    output.notes.push_back(m_info.title + " does not sign its webhooks: no signature headers");
    return output;
}

std::string UnsignedScheme::describe_signed_content(const VerifyInput& /*input*/) const {
    return "nothing (unsigned)";
}

Evidence UnsignedScheme::evidence_in(const message::Message& /*message*/) const {
    return {};
}

} // namespace hooks::providers
