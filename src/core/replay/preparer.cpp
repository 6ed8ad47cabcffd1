// SPDX-License-Identifier: MIT
#include "core/replay/preparer.hpp"

#include "core/events/delivery.hpp"
#include "core/events/delivery_id.hpp"
#include "core/http/wire_request.hpp"
#include "core/replay/request.hpp"

namespace hooks::replay {
namespace {

/// Spent request buffers kept for reuse at most, and the largest kept: bounds what they hold
/// (4 MiB) whatever the log's bodies.
constexpr std::size_t k_max_buffers = 1024;
constexpr std::size_t k_max_buffer_bytes = 4096;

/// What a record is, for filters and ids. The provider is the one its verification names,
/// the plan's scheme's, or the one detected from its headers; detection and the body scan are
/// skipped when nothing asks for them.
RecordFacts facts_of(const log::Record& record, const Plan& plan) {
    RecordFacts facts;
    facts.id = record.id;
    if (facts.id && !plan.filter.needs_facts()) {
        return facts;
    }
    if (record.verify && !record.verify->provider.empty()) {
        facts.provider = record.verify->provider;
    } else if (plan.scheme != nullptr) {
        facts.provider = plan.scheme->info().name;
    } else if (plan.registry != nullptr) {
        if (auto detected = plan.registry->detect(record.message)) {
            facts.provider = detected->scheme->info().name;
        }
    }
    auto described = events::describe_delivery(facts.provider, record.message);
    if (!facts.id) {
        facts.id = described.id;
    }
    facts.event_type = described.event_type;
    return facts;
}

} // namespace

Result<message::Message> request_for(const SelectedRecord& selected, const Plan& plan,
                                     const time::Clock& clock) {
    message::Message request = captured_request(selected.record, plan.destination);
    for (const message::Header& header : plan.extra_headers) {
        replace_header(request.headers, header);
    }
    if (plan.scheme != nullptr) {
        const std::string& id = selected.id; // select() gave an id-less record one
        std::string url =
            plan.destination.scheme + "://" + plan.destination.authority() + request.target;
        auto signed_ok =
            sign_again(request, *plan.scheme, plan.secrets, id, time::unix_millis(clock), url);
        if (!signed_ok) {
            return tl::unexpected(signed_ok.error());
        }
    }
    return request;
}

Result<http::WireRequest> wire_request_for(const SelectedRecord& selected, const Plan& plan,
                                           const time::Clock& clock, std::string buffer) {
    auto request = request_for(selected, plan, clock);
    if (!request) {
        return tl::unexpected(request.error());
    }
    return http::to_wire(*request, plan.destination.authority(), std::move(buffer));
}

void Preparer::reuse(std::string&& buffer) {
    if (m_buffers.size() < k_max_buffers && buffer.capacity() <= k_max_buffer_bytes) {
        m_buffers.push_back(std::move(buffer));
    }
}

void Preparer::note_position() {
    m_read.records.store(m_totals.read, std::memory_order_relaxed);
    if (m_progress.position) {
        m_read.bytes.store(m_progress.position(), std::memory_order_relaxed);
    }
}

Result<std::optional<SelectedRecord>> Preparer::select() {
    while (true) {
        auto record = m_source.next();
        if (!record) {
            m_totals.corrupt_line = m_source.line_number();
            return tl::unexpected(record.error());
        }
        if ((m_totals.read & 0xFFU) == 0) {
            note_position();
        }
        if (!*record) {
            note_position(); // the whole log: progress says 100%, no ETA
            return std::optional<SelectedRecord>();
        }
        SelectedRecord selected;
        selected.index = ++m_totals.read;
        RecordFacts facts = facts_of(**record, m_plan);
        if (!m_plan.filter.matches(**record, facts)) {
            ++m_totals.filtered_out;
            continue;
        }
        if (m_journal != nullptr) {
            selected.hash = body_hash((*record)->message.body);
            auto previous = m_journal->previous(selected.index, selected.hash);
            if (!previous) {
                return tl::unexpected(previous.error());
            }
            if (*previous == Previous::acknowledged) {
                ++m_totals.acknowledged_before;
                continue;
            }
        }
        selected.id = facts.id ? *facts.id : "";
        if (selected.id.empty() && m_plan.scheme != nullptr) {
            // Signing afresh needs an id: one per record, kept by all its attempts.
            selected.id = events::fresh_delivery_id(m_plan.scheme->info().name);
        }
        selected.record = std::move(**record);
        return std::optional<SelectedRecord>(std::move(selected));
    }
}

Result<std::optional<Prepared>> Preparer::next() {
    auto selected = select();
    if (!selected || !*selected) {
        return selected ? Result<std::optional<Prepared>>(std::nullopt)
                        : tl::unexpected(selected.error());
    }
    Prepared prepared{std::move(**selected), http::WireRequest()};
    std::string buffer;
    if (!m_buffers.empty()) {
        buffer = std::move(m_buffers.back());
        m_buffers.pop_back();
    }
    prepared.request = wire_request_for(prepared.selected, m_plan, m_clock, std::move(buffer));
    if (!prepared.request && prepared.request.error().kind != ErrorKind::input) {
        return tl::unexpected(prepared.request.error()); // a secret that cannot sign: stop
    }
    if (m_plan.failed_path.empty() && m_plan.scheme == nullptr) {
        // Retries send the same bytes and no failure is written back: what the sender reports
        // is all that stays. Freed here, on the thread that allocated it (a free from another
        // thread contends for this one's malloc arena).
        // Swapped with empty values: assigning {} (or a short string) keeps the memory.
        log::Record& record = prepared.selected.record;
        std::vector<message::Header>().swap(record.message.headers);
        std::string().swap(record.message.body);
        std::string().swap(record.remote);
        record.verify.reset();
    }
    return std::optional<Prepared>(std::move(prepared));
}

} // namespace hooks::replay
