// SPDX-License-Identifier: MIT
#include "core/providers/registry.hpp"

#include "core/providers/discord_scheme.hpp"
#include "core/providers/profile_scheme.hpp"
#include "core/providers/twilio_scheme.hpp"
#include "core/providers/unsigned_scheme.hpp"

#include <stdexcept>
#include <utility>

namespace hooks::providers {

Registry Registry::builtin() {
    Registry registry;
    if (auto added = registry.add_profiles(builtin_profiles_json()); !added) {
        throw std::logic_error("built-in provider profiles are invalid: " + added.error().message);
    }
    registry.m_schemes.push_back(std::make_unique<TwilioScheme>());
    registry.m_schemes.push_back(std::make_unique<DiscordScheme>());
    registry.m_schemes.push_back(std::make_unique<UnsignedScheme>(
        "codex", "Codex", "Codex CMS webhooks: any HTTP method, a custom payload, no signature"));
    return registry;
}

Result<void> Registry::add_profiles(std::string_view json_text) {
    auto profiles = parse_scheme_profiles(json_text);
    if (!profiles) {
        return tl::unexpected(profiles.error());
    }
    for (SchemeProfile& profile : *profiles) {
        auto scheme = std::make_unique<ProfileScheme>(std::move(profile));
        bool is_replaced = false;
        for (auto& existing : m_schemes) {
            if (existing->info().name == scheme->info().name) {
                existing = std::move(scheme);
                is_replaced = true;
                break;
            }
        }
        if (!is_replaced) {
            m_schemes.push_back(std::move(scheme));
        }
    }
    return {};
}

Result<const Scheme*> Registry::find(std::string_view name) const {
    for (const auto& scheme : m_schemes) {
        if (scheme->info().name == name) {
            return scheme.get();
        }
    }
    std::string names;
    for (const auto& scheme : m_schemes) {
        names += (names.empty() ? "" : ", ") + scheme->info().name;
    }
    return fail(ErrorKind::usage,
                "unknown provider '" + std::string(name) + "' (known: " + names + "; or 'auto')");
}

Result<const Scheme*> Registry::detect(const message::Message& message) const {
    std::vector<const Scheme*> found;
    for (const auto& scheme : m_schemes) {
        if (scheme->is_present_in(message)) {
            found.push_back(scheme.get());
        }
    }
    // Some senders send two providers' headers for one delivery: GitHub adds the legacy
    // X-Hub-Signature to X-Hub-Signature-256, Svix adds Standard Webhooks' webhook-* headers to
    // its svix-* ones. The first of each pair names the delivery.
    static constexpr std::pair<std::string_view, std::string_view> k_pairs[] = {
        {"github", "github-sha1"}, {"svix", "standard"}};
    if (found.size() == 2) {
        for (const auto& [winner, loser] : k_pairs) {
            for (size_t i = 0; i < 2; ++i) {
                if (found[i]->info().name == winner && found[1 - i]->info().name == loser) {
                    return found[i];
                }
            }
        }
    }
    if (found.size() == 1) {
        return found.front();
    }
    if (found.empty()) {
        return fail(ErrorKind::negative,
                    "no known signature header found; pass --provider (see 'hooks providers')");
    }
    std::string names;
    for (const Scheme* scheme : found) {
        names += (names.empty() ? "" : ", ") + scheme->info().name;
    }
    return fail(ErrorKind::negative,
                "cannot tell the provider: headers of " + names + " are present; pass --provider");
}

} // namespace hooks::providers
