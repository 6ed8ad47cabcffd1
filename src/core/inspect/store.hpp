// SPDX-License-Identifier: MIT
/// The deliveries the inspector shows: an in-memory, thread-safe list that listen appends to
/// as deliveries arrive (or that `inspect` fills from a saved log), numbered in arrival order,
/// with the attempts of one delivery id linked together.
#pragma once

#include "core/error.hpp"
#include "core/log/record.hpp"
#include "core/log/writer.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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

/// One attempt of a delivery id, as its detail lists them: known without reading the record
/// back, so that an attempt whose log line is gone is still listed.
struct Attempt {
    std::uint64_t seq = 0;
    std::chrono::system_clock::time_point received_at;
    std::optional<int> status; ///< the answer given; none when none was recorded
    std::string_view verdict;  ///< verdict_of(): "valid", "invalid" or "unchecked"
};

/// One delivery as the store keeps it: its summary (summary_row), its provider, event type and
/// id, and its record either as a place in listen's log, read back when needed, or, without a
/// log that can read back, as its log line (log::to_json_line), one after another in memory the
/// store carves out of blocks it shares between entries (and its trailers, which the log does
/// not keep, apart: a rare chunked request has them).
///
/// Why: listen keeps 20,000 deliveries for days, each freed long after it was made. As full
/// records they were dozens of long-lived allocations each (every header's name and value, the
/// body...) and the allocator became the inspector's main cost; as one string each, every
/// delivery still asked malloc for a few kilobytes that it must find among long-lived chunks;
/// as its line in shared blocks, copying it and cycling the memory through the cache remained;
/// each Kept made with make_shared was one more long-lived allocation, which the store's ring
/// of slots (held by value) removed. bench/listen's hooks-ui target measures it (see
/// bench/README.md).
class Kept {
  public:
    Kept() = default; ///< an empty slot of the store
    /// `entry` numbered by the store, `summary` summary_row(entry), and its record: `line`,
    /// log::to_json_line(entry.record) (its seq may be 0), or, when `line` is empty, read back
    /// from `log` at `place` (`log` outlives the Kept). `memory` holds bytes_for() those bytes.
    Kept(const Entry& entry, std::string_view line, std::string_view summary,
         std::shared_ptr<char> memory, const log::Sink* log = nullptr, log::Place place = {});
    static std::size_t bytes_for(const Entry& entry, std::string_view line,
                                 std::string_view summary);

    std::uint64_t seq() const { return m_seq; }
    unsigned attempt() const { return m_attempt; }
    bool is_redelivery() const { return m_is_redelivery; }
    /// summary_row() of the entry, ready for the list and the stream.
    std::string_view summary() const { return part(k_summary); }
    std::optional<std::string_view> id() const;
    /// Bytes held in memory (the summary and the rest, and the log line when kept).
    std::size_t bytes() const { return m_ends[k_parts - 1]; }
    /// Whether its record is read back from the log file rather than kept in memory.
    bool is_in_log() const { return m_log != nullptr; }
    /// What its delivery id's list of attempts shows of it.
    Attempt attempt_view() const { return {m_seq, m_received_at, m_status, m_verdict}; }

    /// The delivery in full again, its record read back from its log line: exact, because the
    /// log is (log::parse_json_line of to_json_line gives the same record). Fails when the log
    /// file no longer holds that line where it was written (truncated, or replaced).
    Result<Entry> entry() const;

  private:
    enum Part : std::uint8_t { k_line, k_summary, k_provider, k_event_type, k_id, k_parts };
    std::string_view part(Part which) const;

    std::shared_ptr<char> m_data;              ///< the parts, one after another
    std::array<std::size_t, k_parts> m_ends{}; ///< where each part ends in m_data
    std::vector<message::Header> m_trailers;
    const log::Sink* m_log = nullptr; ///< holds the line at m_place, when not kept
    log::Place m_place;
    std::uint64_t m_seq = 0;
    std::uint64_t m_log_seq = 0; ///< record.seq, which the line may not hold
    std::chrono::system_clock::time_point m_received_at;
    std::optional<int> m_status;
    std::string_view m_verdict; ///< a literal of verdict_of()
    unsigned m_attempt = 1;
    bool m_is_redelivery = false;
    bool m_has_event_type = false;
    bool m_has_id = false;
};

/// Thread-safe. Keeps the last `limit` entries, and no more than `byte_limit` bytes of them (as
/// Kept::bytes() counts; the newest entry is always kept); older ones leave memory (the log
/// keeps them).
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

    /// Numbers `entry`, works out its attempt from the entries of the same id, keeps it as a
    /// Kept, then calls the added-callback (outside the lock). Returns its seq. `logged`, when
    /// given, is how the log wrote the record (listen::Observer::keep): its place, to read it
    /// back from there, else its line, kept as it is instead of written again.
    std::uint64_t add(Entry entry, const log::Logged& logged = {});

    /// Entries with seq > `after`, ascending, at most `limit` of them. Copies: a Kept's memory
    /// is shared, so a copy outlives its leaving the store and allocates nothing (but for the
    /// trailers of a rare chunked request).
    std::vector<Kept> after(std::uint64_t after, std::size_t limit) const;

    /// The entry numbered `seq`, or nothing when there is none (never, or dropped by the limit).
    std::optional<Kept> find(std::uint64_t seq) const;

    /// Every kept entry with the id of `kept` (just `kept` when it has none), ascending.
    std::vector<Kept> attempts_of(const Kept& kept) const;

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
    std::size_t m_bytes = 0; ///< of the kept entries
    /// The kept entries, ascending with consecutive seqs, in a ring that grows up to the limit
    /// and then reuses the slot of the oldest: no allocation per entry, and a delivery's slot
    /// is where the one `limit` deliveries before it was (listen's rate: bench/listen).
    std::vector<Kept> m_ring;
    std::size_t m_first = 0; ///< the slot of the oldest
    std::size_t m_count = 0; ///< slots in use, from m_first on (wrapping)
    std::uint64_t m_last_seq = 0;
    /// The slot of the `index`th oldest kept entry (index < m_count).
    std::size_t slot(std::size_t index) const { return (m_first + index) % m_ring.size(); }
    /// The slot of the entry numbered `seq`, if kept.
    std::optional<std::size_t> slot_of(std::uint64_t seq) const;
    /// Drops the oldest entry (m_count > 0): its bytes, its seq from its id's attempts.
    void drop_oldest();
    /// What the store knows of one delivery id.
    struct Attempts {
        unsigned count = 0;              ///< attempts seen, those forgotten included
        std::vector<std::uint64_t> kept; ///< seqs of its kept entries, ascending
    };
    /// Looks up by std::string_view too (an id read from a Kept).
    struct IdHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view id) const {
            return std::hash<std::string_view>{}(id);
        }
    };
    std::unordered_map<std::string, Attempts, IdHash, std::equal_to<>> m_by_id;
    std::function<void()> m_on_added;

    /// Memory for `size` bytes of a Kept: the next bytes of the current block (a new block when
    /// they do not fit), or a block of its own when it is large. Entries leave in the order
    /// they came, so a block is freed soon after its last entry goes. Under the lock.
    std::shared_ptr<char> carve(std::size_t size);
    static constexpr std::size_t k_block_size = std::size_t{256} * 1024;
    std::shared_ptr<char[]> m_block;
    std::size_t m_block_used = k_block_size;
};

} // namespace hooks::inspect
