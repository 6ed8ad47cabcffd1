// SPDX-License-Identifier: MIT
#include "core/replay/prefetch_queue.hpp"

#include <iterator>

namespace hooks::replay {
namespace {

/// Records (and the bytes of their bodies and requests) read ahead of the sender at most.
constexpr std::size_t k_max_ahead = 1024;
constexpr std::size_t k_max_ahead_bytes = std::size_t{8} << 20;
/// The largest spent request buffer handed back for reuse (Preparer::reuse keeps at most 4 KiB).
constexpr std::size_t k_max_buffer_bytes = 4096;

} // namespace

PrefetchQueue::PrefetchQueue(Preparer& preparer)
    : m_preparer(preparer), m_thread([this](const std::stop_token& stop) { run(stop); }) {}

PrefetchQueue::~PrefetchQueue() {
    stop();
}

void PrefetchQueue::stop() {
    m_thread.request_stop();
    m_changed.notify_all();
}

void PrefetchQueue::run(const std::stop_token& stop) {
    std::vector<SelectedRecord> finished;
    std::vector<std::string> buffers;
    while (!stop.stop_requested()) {
        auto item = m_preparer.next();
        bool is_last = !item || !*item;
        // What the item holds: its request's bytes, and its record's body when kept.
        std::size_t bytes = 0;
        if (item && *item) {
            const Prepared& prepared = **item;
            bytes = prepared.selected.record.message.body.size() +
                    (prepared.request ? prepared.request->bytes.size() : 0);
        }
        {
            std::unique_lock lock(m_mutex);
            m_is_producer_waiting = true;
            bool has_room = m_changed.wait(lock, stop, [&] {
                return m_items.size() < k_max_ahead &&
                       (m_items.empty() || m_bytes + bytes <= k_max_ahead_bytes);
            });
            m_is_producer_waiting = false;
            if (!has_room) {
                return;
            }
            m_bytes += bytes;
            m_items.push_back(std::move(item));
            // Wake the sender only when it waits: a wake-up per record costs more than the
            // record.
            if (m_is_consumer_waiting) {
                m_changed.notify_all();
            }
            finished.swap(m_returned_records);
            buffers.swap(m_returned_buffers);
        }
        if (is_last) {
            return;
        }
        finished.clear(); // freed on this thread, which allocated them
        for (std::string& buffer : buffers) {
            m_preparer.reuse(std::move(buffer));
        }
        buffers.clear();
    }
}

void PrefetchQueue::give_back(std::string&& buffer) {
    if (buffer.capacity() <= k_max_buffer_bytes) {
        m_spent_buffers.push_back(std::move(buffer));
    }
}

namespace {

/// Moves everything in `from` to the end of `to`, leaving `from` empty (its memory kept).
template <typename T> void move_all(std::vector<T>& from, std::vector<T>& to) {
    if (to.empty()) {
        to.swap(from);
        return;
    }
    std::move(from.begin(), from.end(), std::back_inserter(to));
    from.clear();
}

} // namespace

Result<std::optional<Prepared>> PrefetchQueue::pop() {
    if (m_next_taken == m_taken.size()) {
        if (m_is_done) {
            return std::optional<Prepared>();
        }
        m_taken.clear(); // what is left was moved from: nothing to free
        m_next_taken = 0;
        // Take everything read so far at once, so that the two threads meet once per batch.
        std::unique_lock lock(m_mutex);
        m_is_consumer_waiting = true;
        m_changed.wait(lock, [&] { return !m_items.empty(); });
        m_is_consumer_waiting = false;
        m_taken.swap(m_items);
        m_bytes = 0;
        move_all(m_spent_records, m_returned_records);
        move_all(m_spent_buffers, m_returned_buffers);
        if (m_is_producer_waiting) {
            m_changed.notify_all();
        }
    }
    Item item = std::move(m_taken[m_next_taken++]);
    if (!item || !*item) {
        m_is_done = true; // the end, or an error: nothing follows
    }
    return item;
}

} // namespace hooks::replay
