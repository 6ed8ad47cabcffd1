// SPDX-License-Identifier: MIT
#include "core/inspect/store.hpp"

#include <algorithm>

namespace hooks::inspect {

Store::Store(std::size_t limit, std::size_t byte_limit)
    : m_limit(std::max<std::size_t>(limit, 1)), m_byte_limit(byte_limit) {}

std::uint64_t Store::add(Entry entry) {
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
        m_bytes += entry.record.message.body.size();
        m_entries.push_back(std::make_shared<const Entry>(std::move(entry)));
        while (m_entries.size() > m_limit || (m_bytes > m_byte_limit && m_entries.size() > 1)) {
            const Entry& oldest = *m_entries.front();
            if (oldest.record.id) {
                auto found = m_by_id.find(*oldest.record.id);
                if (found != m_by_id.end()) {
                    std::erase(found->second.kept, oldest.seq);
                }
            }
            m_bytes -= oldest.record.message.body.size();
            m_entries.pop_front();
        }
        // Ids of forgotten entries keep their count (a late retry is still numbered right)
        // until they outnumber the limit several times over: listen runs for days.
        if (m_by_id.size() > 4 * m_limit) {
            std::erase_if(m_by_id, [](const auto& item) { return item.second.kept.empty(); });
        }
    }
    if (m_on_added) {
        m_on_added();
    }
    return seq;
}

std::vector<std::shared_ptr<const Entry>> Store::after(std::uint64_t after,
                                                       std::size_t limit) const {
    std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<const Entry>> found;
    if (m_entries.empty() || after >= m_last_seq) {
        return found;
    }
    std::uint64_t first = m_entries.front()->seq;
    std::size_t start = after < first ? 0 : static_cast<std::size_t>(after - first + 1);
    std::size_t end = std::min(m_entries.size(), start + std::min(limit, m_entries.size()));
    found.reserve(end - start);
    for (std::size_t i = start; i < end; ++i) {
        found.push_back(m_entries[i]);
    }
    return found;
}

std::shared_ptr<const Entry> Store::find(std::uint64_t seq) const {
    std::lock_guard lock(m_mutex);
    if (m_entries.empty() || seq < m_entries.front()->seq || seq > m_last_seq) {
        return nullptr;
    }
    return m_entries[static_cast<std::size_t>(seq - m_entries.front()->seq)];
}

std::vector<std::shared_ptr<const Entry>> Store::attempts_of(const Entry& entry) const {
    std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<const Entry>> attempts;
    if (m_entries.empty()) {
        return attempts;
    }
    std::uint64_t first = m_entries.front()->seq;
    auto found = entry.record.id ? m_by_id.find(*entry.record.id) : m_by_id.end();
    if (found == m_by_id.end() || found->second.kept.empty()) {
        if (entry.seq >= first && entry.seq <= m_last_seq) {
            attempts.push_back(m_entries[static_cast<std::size_t>(entry.seq - first)]);
        }
        return attempts;
    }
    for (std::uint64_t seq : found->second.kept) {
        attempts.push_back(m_entries[static_cast<std::size_t>(seq - first)]);
    }
    return attempts;
}

std::uint64_t Store::last_seq() const {
    std::lock_guard lock(m_mutex);
    return m_last_seq;
}

std::size_t Store::size() const {
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

} // namespace hooks::inspect
