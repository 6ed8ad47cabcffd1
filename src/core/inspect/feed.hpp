// SPDX-License-Identifier: MIT
/// How deliveries reach the inspector's store: live from the listen engine (an Observer that
/// passes every receipt on to the one that prints, then to the store), or from a saved log or
/// HAR file.
#pragma once

#include "core/inspect/store.hpp"
#include "core/listen/listener.hpp"
#include "core/providers/registry.hpp"

#include <chrono>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace hooks::inspect {

/// The entry a listen receipt makes: its record as logged, provider, event type, redelivery
/// (moved from the receipt).
Entry entry_from(listen::Receipt&& receipt);

/// listen's observer for `listen --ui`: each receipt goes to `next` (which prints) and is then
/// kept in the store, moved rather than copied. Both must outlive it.
class ListenFeed final : public listen::Observer {
  public:
    ListenFeed(listen::Observer& next, Store& store) : m_next(next), m_store(store) {}
    void on_delivery(const listen::Receipt& receipt) override;
    void keep(listen::Receipt&& receipt, const log::Logged& logged) override;
    bool wants_places() const override { return true; }
    void on_rejection(const http::Rejection& rejection) override;

  private:
    listen::Observer& m_next;
    Store& m_store;
};

/// How `hooks inspect` reads a file: the provider (given, or detected per record when `is_auto`
/// or when the record names none) and the secrets to verify with.
struct LoadOptions {
    const providers::Registry* registry = nullptr;
    const providers::Scheme* scheme = nullptr;
    bool is_auto = false;
    std::vector<providers::Secret> secrets;
    std::optional<std::chrono::seconds> tolerance;
};

/// What loading found.
struct LoadSummary {
    std::uint64_t records = 0;
    std::uint64_t dropped = 0; ///< beyond the store's limit: the oldest left memory
    std::string warning;       ///< a torn last line, or empty
};

/// Reads every record of `input` (a JSONL log, version 1 or 2, or a HAR file; `name` for
/// messages) into `store`. Each record's provider is the one its recorded verification names,
/// else --provider's, else detected; with secrets, each is verified again as of the time it
/// arrived and that verdict replaces the recorded one. Fails (input error) on a line that does
/// not parse, naming the file and line, as log::Source does.
Result<LoadSummary> load(std::istream& input, const std::string& name, const LoadOptions& options,
                         Store& store);

} // namespace hooks::inspect
