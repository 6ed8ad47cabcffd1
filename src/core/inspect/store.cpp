// SPDX-License-Identifier: MIT
#include "core/inspect/store.hpp"

#include "core/inspect/views.hpp"

#include <algorithm>

namespace hooks::inspect {

namespace {

/// A scratch buffer that grew beyond this (a huge body) gives its memory back after use.
constexpr std::size_t k_scratch_kept = std::size_t{1} << 20;

/// The parts of a Kept, in the order it keeps them.
std::array<std::string_view, 5> parts_of(const Entry& entry, std::string_view line,
                                         std::string_view summary) {
    return {line, summary, entry.provider,
            entry.event_type ? std::string_view(*entry.event_type) : std::string_view(),
            entry.record.id ? std::string_view(*entry.record.id) : std::string_view()};
}

} // namespace

std::size_t Kept::bytes_for(const Entry& entry, std::string_view line, std::string_view summary) {
    std::size_t size = 0;
    for (std::string_view part : parts_of(entry, line, summary)) {
        size += part.size();
    }
    return size;
}

Kept::Kept(const Entry& entry, std::string_view line, std::string_view summary,
           std::shared_ptr<char> memory, const log::Sink* log, log::Place place)
    : m_data(std::move(memory)), m_trailers(entry.record.message.trailers),
      m_log(line.empty() ? log : nullptr), m_place(place), m_seq(entry.seq),
      m_log_seq(entry.record.seq), m_received_at(entry.record.received_at),
      m_status(entry.record.response_status), m_verdict(verdict_of(entry)),
      m_attempt(entry.attempt), m_is_redelivery(entry.is_redelivery),
      m_has_event_type(entry.event_type.has_value()), m_has_id(entry.record.id.has_value()) {
    static_assert(std::tuple_size_v<decltype(parts_of(entry, line, summary))> == k_parts);
    std::size_t end = 0;
    auto parts = parts_of(entry, line, summary);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::copy(parts[i].begin(), parts[i].end(), m_data.get() + end);
        end += parts[i].size();
        m_ends[i] = end;
    }
}

std::string_view Kept::part(Part which) const {
    std::size_t begin = which == k_line ? 0 : m_ends[which - 1];
    return {m_data.get() + begin, m_ends[which] - begin};
}

std::optional<std::string_view> Kept::id() const {
    return m_has_id ? std::optional(part(k_id)) : std::nullopt;
}

Result<Entry> Kept::entry() const {
    std::string read_back;
    if (m_log != nullptr) {
        auto read = m_log->read_line(m_place);
        if (!read) {
            return tl::unexpected(read.error());
        }
        read_back = std::move(*read);
    }
    auto record = log::parse_json_line(m_log != nullptr ? read_back : part(k_line));
    if (m_log != nullptr && (!record || record->seq != m_log_seq || !read_back.ends_with('\n'))) {
        return fail(ErrorKind::input, "the log no longer holds record " +
                                          std::to_string(m_log_seq) +
                                          " where it was written (was it truncated or replaced?)");
    }
    if (!record) {
        return tl::unexpected(record.error());
    }
    Entry entry;
    entry.seq = m_seq;
    entry.record = std::move(*record);
    entry.record.seq = m_log_seq;
    entry.record.message.trailers = m_trailers;
    entry.provider = part(k_provider);
    if (m_has_event_type) {
        entry.event_type = std::string(part(k_event_type));
    }
    entry.attempt = m_attempt;
    entry.is_redelivery = m_is_redelivery;
    return entry;
}

Store::Store(std::size_t limit, std::size_t byte_limit)
    : m_limit(std::max<std::size_t>(limit, 1)), m_byte_limit(byte_limit) {}

std::uint64_t Store::add(Entry entry, const log::Logged& logged) {
    // Written into buffers of the adding thread's own, then copied into the Kept.
    thread_local std::string scratch;
    thread_local std::string summary;
    bool is_in_log = logged.place && logged.sink != nullptr;
    std::string_view line = is_in_log ? std::string_view() : logged.line;
    if (line.empty() && !is_in_log) {
        scratch.clear();
        log::append_json_line(entry.record, scratch); // costly: outside the lock
        line = scratch;
    }
    std::uint64_t seq = 0;
    {
        std::lock_guard lock(m_mutex);
        seq = ++m_last_seq;
        entry.seq = seq;
        if (entry.record.id) {
            Attempts& attempts = m_by_id[*entry.record.id];
            attempts.kept.push_back(seq);
            entry.attempt = ++attempts.count;
        }
        entry.is_redelivery = entry.is_redelivery || entry.attempt > 1;
        summary.clear();
        append_summary_row(entry, summary);
        Kept kept(entry, line, summary, carve(Kept::bytes_for(entry, line, summary)), logged.sink,
                  logged.place.value_or(log::Place{}));
        m_bytes += kept.bytes();
        if (m_count == m_ring.size() && m_ring.size() == m_limit) {
            drop_oldest(); // full: the newest takes the oldest's slot
        }
        if (m_count < m_ring.size()) {
            m_ring[slot(m_count)] = std::move(kept);
        } else { // every slot in use, and room to grow
            std::rotate(m_ring.begin(), m_ring.begin() + static_cast<std::ptrdiff_t>(m_first),
                        m_ring.end());
            m_first = 0;
            if (m_ring.size() == m_ring.capacity()) { // doubling, but never beyond the limit
                m_ring.reserve(std::min(m_limit, std::max<std::size_t>(64, 2 * m_ring.size())));
            }
            m_ring.push_back(std::move(kept));
        }
        ++m_count;
        while (m_bytes > m_byte_limit && m_count > 1) {
            drop_oldest();
        }
        // Ids of forgotten entries keep their count (a late retry is still numbered right)
        // until they outnumber the limit several times over: listen runs for days.
        if (m_by_id.size() > 4 * m_limit) {
            std::erase_if(m_by_id, [](const auto& item) { return item.second.kept.empty(); });
        }
    }
    if (scratch.capacity() > k_scratch_kept) { // a rare huge body: give its memory back
        std::string().swap(scratch);
    }
    if (m_on_added) {
        m_on_added();
    }
    return seq;
}

std::shared_ptr<char> Store::carve(std::size_t size) {
    if (size > k_block_size / 4) {
        std::shared_ptr<char[]> own = std::make_shared_for_overwrite<char[]>(size);
        return {own, own.get()};
    }
    if (size > k_block_size - m_block_used) {
        m_block = std::make_shared_for_overwrite<char[]>(k_block_size);
        m_block_used = 0;
    }
    std::shared_ptr<char> memory(m_block, m_block.get() + m_block_used);
    m_block_used += size;
    return memory;
}

void Store::drop_oldest() {
    Kept& oldest = m_ring[m_first];
    if (auto id = oldest.id()) {
        auto found = m_by_id.find(*id);
        if (found != m_by_id.end()) {
            std::erase(found->second.kept, oldest.seq());
        }
    }
    m_bytes -= oldest.bytes();
    oldest = Kept(); // its memory goes now, not when the slot is reused
    m_first = (m_first + 1) % m_ring.size();
    --m_count;
}

std::optional<std::size_t> Store::slot_of(std::uint64_t seq) const {
    if (m_count == 0) {
        return std::nullopt;
    }
    std::uint64_t first = m_ring[m_first].seq();
    if (seq < first || seq > m_last_seq) {
        return std::nullopt;
    }
    return slot(static_cast<std::size_t>(seq - first));
}

std::vector<Kept> Store::after(std::uint64_t after, std::size_t limit) const {
    std::lock_guard lock(m_mutex);
    std::vector<Kept> found;
    if (m_count == 0 || after >= m_last_seq) {
        return found;
    }
    std::uint64_t first = m_ring[m_first].seq();
    std::size_t start = after < first ? 0 : static_cast<std::size_t>(after - first + 1);
    std::size_t end = std::min(m_count, start + std::min(limit, m_count));
    found.reserve(end - start);
    for (std::size_t i = start; i < end; ++i) {
        found.push_back(m_ring[slot(i)]);
    }
    return found;
}

std::optional<Kept> Store::find(std::uint64_t seq) const {
    std::lock_guard lock(m_mutex);
    auto at = slot_of(seq);
    return at ? std::optional(m_ring[*at]) : std::nullopt;
}

std::vector<Kept> Store::attempts_of(const Kept& kept) const {
    std::lock_guard lock(m_mutex);
    std::vector<Kept> attempts;
    auto id = kept.id();
    auto found = id ? m_by_id.find(*id) : m_by_id.end();
    if (found == m_by_id.end() || found->second.kept.empty()) {
        if (auto at = slot_of(kept.seq())) {
            attempts.push_back(m_ring[*at]);
        }
        return attempts;
    }
    for (std::uint64_t seq : found->second.kept) {
        if (auto at = slot_of(seq)) {
            attempts.push_back(m_ring[*at]);
        }
    }
    return attempts;
}

std::uint64_t Store::last_seq() const {
    std::lock_guard lock(m_mutex);
    return m_last_seq;
}

std::size_t Store::size() const {
    std::lock_guard lock(m_mutex);
    return m_count;
}

} // namespace hooks::inspect
