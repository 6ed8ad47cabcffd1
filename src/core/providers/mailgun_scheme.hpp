// SPDX-License-Identifier: MIT
/// Mailgun: no signature header. The body's `signature` object (or, for legacy webhooks, the
/// form fields) carries `timestamp`, `token` and `signature`, the hex HMAC-SHA256 of timestamp
/// followed by token under the webhook signing key. The event data itself is not signed.
#pragma once

#include "core/providers/scheme.hpp"

namespace hooks::providers {

class MailgunScheme final : public Scheme {
  public:
    MailgunScheme();
    const ProviderInfo& info() const override { return m_info; }
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    /// Fills in the body's signature.signature (which must be a string, such as "") for its
    /// signature.timestamp and signature.token; the rest of the body stays byte for byte.
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;
    Result<void> check_secrets(std::span<const Secret> secrets) const override;
    /// A JSON body with a signature object of timestamp, token and signature, or a form body
    /// with those fields: a weak hint, since no header names Mailgun.
    Evidence evidence_in(const message::Message& message) const override;

  private:
    ProviderInfo m_info;
};

} // namespace hooks::providers
