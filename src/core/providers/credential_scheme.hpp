// SPDX-License-Identifier: MIT
/// Providers that send the secret itself instead of a signature: GitLab's X-Gitlab-Token and
/// Postmark's HTTP Basic auth. Nothing is signed, so neither the body nor the time is protected.
#pragma once

#include "core/providers/scheme.hpp"

#include <memory>

namespace hooks::providers {

/// Compares a header's credential with each secret in constant time.
class CredentialScheme final : public Scheme {
  public:
    /// Where the credential travels.
    enum class Kind {
        token, ///< the secret as the header's whole value (GitLab)
        basic, ///< `Authorization: Basic base64(user:password)`, the secret being user:password
    };

    /// The built-in GitLab (token) and Postmark (Basic auth) schemes.
    static std::unique_ptr<CredentialScheme> gitlab();
    static std::unique_ptr<CredentialScheme> postmark();

    const ProviderInfo& info() const override { return m_info; }
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;
    Result<void> check_secrets(std::span<const Secret> secrets) const override;
    Evidence evidence_in(const message::Message& message) const override;

  private:
    CredentialScheme(Kind kind, ProviderInfo info, std::string detect_header);

    /// What the header carries for `secret`: the token, or "Basic " and the base64 of it.
    std::string credential_for(const Secret& secret) const;

    Kind m_kind;
    ProviderInfo m_info;
    std::string m_detect_header; ///< sent only by this provider (X-Gitlab-Event), or empty
};

} // namespace hooks::providers
