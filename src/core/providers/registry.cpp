// SPDX-License-Identifier: MIT
#include "core/providers/registry.hpp"

#include "core/providers/credential_scheme.hpp"
#include "core/providers/discord_scheme.hpp"
#include "core/providers/mailgun_scheme.hpp"
#include "core/providers/profile_scheme.hpp"
#include "core/providers/sendgrid_scheme.hpp"
#include "core/providers/twilio_scheme.hpp"
#include "core/providers/unsigned_scheme.hpp"
#include "core/text/json_scanner.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace hooks::providers {

namespace {

// The built-in profiles, parsed once per process: every command builds the registry, and the
// CLI also lists its names for --help.
const std::vector<SchemeProfile>& builtin_profiles() {
    static const std::vector<SchemeProfile> k_profiles = [] {
        auto parsed = parse_scheme_profiles(builtin_profiles_json());
        if (!parsed) {
            throw std::logic_error("built-in provider profiles are invalid: " +
                                   parsed.error().message);
        }
        return std::move(*parsed);
    }();
    return k_profiles;
}

// The providers builtin() adds in code after the profiles, in that order.
constexpr std::array<std::string_view, 7> k_coded_names = {
    "twilio", "discord", "mailgun", "sendgrid", "gitlab", "postmark", "codex"};

} // namespace

std::vector<std::string_view> Registry::builtin_names() {
    // The "name" of each object in the embedded array, read in place: no parse, no allocation
    // but the list (this runs at every start-up, for --help).
    std::vector<std::string_view> names;
    std::string_view json = builtin_profiles_json();
    text::JsonScanner scanner(json, 8);
    std::size_t depth = 0;
    bool is_name_next = false;
    while (auto token = scanner.next()) {
        if (token->kind == text::JsonTokenKind::begin_object ||
            token->kind == text::JsonTokenKind::begin_array) {
            ++depth;
        } else if (token->kind == text::JsonTokenKind::end_object ||
                   token->kind == text::JsonTokenKind::end_array) {
            --depth;
        } else if (token->kind == text::JsonTokenKind::string && depth == 2) {
            if (token->is_key) {
                is_name_next = token->text == "\"name\"";
            } else if (is_name_next) {
                names.push_back(token->text.substr(1, token->text.size() - 2));
                is_name_next = false;
            }
        }
    }
    names.insert(names.end(), k_coded_names.begin(), k_coded_names.end());
    return names;
}

Registry Registry::builtin() {
    Registry registry;
    registry.add_parsed(builtin_profiles());
    registry.m_schemes.push_back(std::make_unique<TwilioScheme>());
    registry.m_schemes.push_back(std::make_unique<DiscordScheme>());
    registry.m_schemes.push_back(std::make_unique<MailgunScheme>());
    registry.m_schemes.push_back(std::make_unique<SendgridScheme>());
    registry.m_schemes.push_back(CredentialScheme::gitlab());
    registry.m_schemes.push_back(CredentialScheme::postmark());
    registry.m_schemes.push_back(std::make_unique<UnsignedScheme>(
        "codex", "Codex", "Codex CMS webhooks: any HTTP method, a custom payload, no signature"));
    return registry;
}

Result<void> Registry::add_profiles(std::string_view json_text) {
    auto profiles = parse_scheme_profiles(json_text);
    if (!profiles) {
        return tl::unexpected(profiles.error());
    }
    add_parsed(*profiles);
    return {};
}

void Registry::add_parsed(const std::vector<SchemeProfile>& profiles) {
    for (const SchemeProfile& profile : profiles) {
        auto scheme = std::make_unique<ProfileScheme>(profile);
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

Result<Detection> Registry::detect(const message::Message& message) const {
    std::vector<std::pair<const Scheme*, Evidence>> found;
    for (const auto& scheme : m_schemes) {
        Evidence evidence = scheme->evidence_in(message);
        if (evidence.strength != EvidenceStrength::none) {
            found.emplace_back(scheme.get(), std::move(evidence));
        }
    }
    // Some senders send two providers' headers for one delivery: GitHub adds the legacy
    // X-Hub-Signature (which Intercom and Bitbucket use too) to X-Hub-Signature-256, Svix adds
    // Standard Webhooks' webhook-* headers to its svix-* ones, HubSpot sends its v1 or v2
    // signature with the v3 one. The first of each pair names the delivery, whatever the
    // strength of the second's evidence.
    static constexpr std::pair<std::string_view, std::string_view> k_pairs[] = {
        {"github", "github-sha1"}, {"github", "intercom"},       {"github", "bitbucket"},
        {"svix", "standard"},      {"hubspot-v3", "hubspot-v1"}, {"hubspot-v3", "hubspot-v2"}};
    auto has = [&](std::string_view name) {
        return std::any_of(found.begin(), found.end(),
                           [&](const auto& entry) { return entry.first->info().name == name; });
    };
    for (const auto& pair : k_pairs) {
        if (has(pair.first)) {
            std::erase_if(
                found, [&](const auto& entry) { return entry.first->info().name == pair.second; });
        }
    }
    auto strongest = EvidenceStrength::none;
    for (const auto& entry : found) {
        strongest = std::max(strongest, entry.second.strength);
    }
    std::erase_if(found, [&](const auto& entry) { return entry.second.strength < strongest; });
    if (found.size() == 1) {
        return Detection{found.front().first, found.front().second.decided_by};
    }
    if (found.empty()) {
        return fail(ErrorKind::negative,
                    "no known signature header found; pass --provider (see 'hooks providers')");
    }
    std::string names;
    for (const auto& [scheme, evidence] : found) {
        names +=
            (names.empty() ? "" : ", ") + scheme->info().name + " (" + evidence.decided_by + ")";
    }
    return fail(ErrorKind::negative,
                "cannot tell the provider: " + names + " all match; pass --provider");
}

} // namespace hooks::providers
