// SPDX-License-Identifier: MIT
/// The deliveries the inspector shows: an in-memory, thread-safe list that listen appends to
/// as deliveries arrive (or that `inspect` fills from a saved log), numbered in arrival order,
/// with the attempts of one delivery id linked together.
#pragma once

#include "core/log/record.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace hooks::inspect {

/// One delivery as the inspector shows it.
struct Entry {
    /// The inspector's number for it: 1, 2, 3... in the order the store got them. The page
    /// resumes its live list by it. (The log's own seq is record.seq, 0 without a log.)
    std::uint64_t seq = 0;
    log::Record record;
    std::string provider; ///< detected or given; empty when unknown
    std::optional<std::string> event_type;
    /// 1-based: this delivery id's attempts so far, this one included (1 without an id).
    unsigned attempt = 1;
    bool is_redelivery = false; ///< attempt > 1, or listen saw the same body before
};

/// Thread-safe. Keeps the last `limit` entries, and no more than `byte_limit` bytes of bodies
/// (the newest entry is always kept); older ones leave memory (the log keeps them).
class Store {
  public:
    explicit Store(std::size_t limit = k_listen_limit, std::size_t byte_limit = k_byte_limit);
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// `listen --ui`: the page shows the recent past; listen runs for days.
    static constexpr std::size_t k_listen_limit = 20'000;
    /// `inspect FILE`: the file is the whole story.
    static constexpr std::size_t k_file_limit = 200'000;
    static constexpr std::size_t k_byte_limit = std::size_t{256} * 1024 * 1024;

    /// Numbers `entry`, works out its attempt from the entries of the same id, keeps it, then
    /// calls the added-callback (outside the lock). Returns its seq.
    std::uint64_t add(Entry entry);

    /// Entries with seq > `after`, ascending, at most `limit` of them.
    std::vector<std::shared_ptr<const Entry>> after(std::uint64_t after, std::size_t limit) const;

    /// The entry numbered `seq`, or null when there is none (never, or dropped by the limit).
    std::shared_ptr<const Entry> find(std::uint64_t seq) const;

    /// Every kept entry with the id of `entry` (just `entry` when it has none), ascending.
    std::vector<std::shared_ptr<const Entry>> attempts_of(const Entry& entry) const;

    /// The seq of the last entry added; 0 when empty.
    std::uint64_t last_seq() const;

    /// Entries kept now.
    std::size_t size() const;
    std::size_t limit() const { return m_limit; }

    /// Called after every add(), on the adding thread, outside the store's lock: it must be
    /// quick (the inspector only wakes its own thread). Set before the first add().
    void on_added(std::function<void()> callback) { m_on_added = std::move(callback); }

  private:
    std::size_t m_limit;
    std::size_t m_byte_limit;
    mutable std::mutex m_mutex;
    std::size_t m_bytes = 0;                            ///< of the kept entries' bodies
    std::deque<std::shared_ptr<const Entry>> m_entries; ///< ascending, consecutive seqs
    std::uint64_t m_last_seq = 0;
    /// What the store knows of one delivery id.
    struct Attempts {
        unsigned count = 0;              ///< attempts seen, those forgotten included
        std::vector<std::uint64_t> kept; ///< seqs of its kept entries, ascending
    };
    std::unordered_map<std::string, Attempts> m_by_id;
    std::function<void()> m_on_added;
};

} // namespace hooks::inspect
