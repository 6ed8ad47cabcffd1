// SPDX-License-Identifier: MIT
/// The providers hooks knows: built-in ones and those loaded from profile files.
#pragma once

#include "core/error.hpp"
#include "core/providers/scheme.hpp"
#include "core/providers/scheme_profile.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace hooks::providers {

/// The provider `--provider auto` chose, and the headers that decided it.
struct Detection {
    const Scheme* scheme = nullptr;
    std::string decided_by; ///< "X-Hub-Signature with X-Event-Key"
};

/// An ordered set of providers by name. Order matters for detection: earlier wins a tie.
class Registry {
  public:
    /// The built-in providers.
    static Registry builtin();

    /// The built-in providers' names in listing order, without building them (for --help at
    /// every start-up); the same as builtin().all()'s names (a test checks).
    static std::vector<std::string_view> builtin_names();

    /// Adds the profiles in a JSON profile file's text; a name that exists is replaced, so a
    /// user can correct a built-in. Fails on invalid JSON or an invalid profile.
    Result<void> add_profiles(std::string_view json_text);

    /// The provider called `name`, or an error listing the known names.
    Result<const Scheme*> find(std::string_view name) const;

    /// The provider whose signature `message` carries. The strongest evidence wins: a signature
    /// header with a header only that provider sends (X-GitHub-Event, Bitbucket's X-Event-Key)
    /// over a signature header alone, over a weak hint (a signature header whose value has
    /// another provider's prefix, a body shape, Basic auth). First, GitHub's SHA-256 header
    /// wins over the X-Hub-Signature it also sends (GitHub's legacy, Intercom's, Bitbucket's),
    /// Svix over the Standard Webhooks headers it also sends, HubSpot v3 over the v1/v2 header
    /// HubSpot sends with it; any other tie is
    /// ambiguous and fails naming each candidate and its header (ErrorKind::negative), as does
    /// no evidence at all.
    Result<Detection> detect(const message::Message& message) const;

    /// All providers in listing order.
    const std::vector<std::unique_ptr<Scheme>>& all() const { return m_schemes; }

  private:
    /// Adds (or replaces by name) a scheme for each profile.
    void add_parsed(const std::vector<SchemeProfile>& profiles);

    std::vector<std::unique_ptr<Scheme>> m_schemes;
};

} // namespace hooks::providers
