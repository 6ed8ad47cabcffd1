// SPDX-License-Identifier: MIT
/// Twilio: base64 HMAC-SHA1 of the full URL followed by the sorted form parameters, or of the
/// URL alone when it carries a `bodySHA256` parameter (JSON bodies).
#pragma once

#include "core/providers/scheme.hpp"

#include <utility>

namespace hooks::providers {

/// Twilio's scheme. The auth token is the secret; the request URL must be known.
class TwilioScheme final : public Scheme {
  public:
    TwilioScheme();
    const ProviderInfo& info() const override { return m_info; }
    Result<VerifyResult> verify(const VerifyInput& input) const override;
    Result<SignOutput> sign(const SignInput& input) const override;
    std::string describe_signed_content(const VerifyInput& input) const override;
    Result<void> check_secrets(std::span<const Secret> secrets) const override;
    bool signs_url() const override { return true; }

  private:
    ProviderInfo m_info;
};

/// Decodes an application/x-www-form-urlencoded body into (name, value) pairs in order.
/// Fails on a malformed percent escape.
Result<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);

/// The string Twilio signs for form parameters: the URL, then each parameter name followed by
/// its value, names sorted, a repeated name's values deduplicated and sorted.
std::string twilio_form_content(std::string_view url,
                                std::vector<std::pair<std::string, std::string>> params);

} // namespace hooks::providers
