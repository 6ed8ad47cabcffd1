// SPDX-License-Identifier: MIT
#include "cli/replay_prepare.hpp"

#include "core/events/delivery.hpp"
#include "core/events/delivery_id.hpp"
#include "core/http/wire_request.hpp"
#include "core/replay/request.hpp"

#include <iterator>

namespace hooks::cli {
namespace {

/// Records (and the bytes of their bodies and requests) read ahead of the sender at most.
constexpr std::size_t k_max_ahead = 1024;
constexpr std::size_t k_max_ahead_bytes = std::size_t{8} << 20;
/// Spent request buffers kept for reuse at most, and the largest kept: bounds what they hold
/// (4 MiB) whatever the log's bodies.
constexpr std::size_t k_max_buffers = 1024;
constexpr std::size_t k_max_buffer_bytes = 4096;

/// What a record is, for filters and ids. The provider is the one its verification names,
/// --provider's, or the one detected from its headers; detection and the body scan are skipped
/// when nothing asks for them.
replay::RecordFacts facts_of(const log::Record& record, const ReplayPlan& plan) {
    replay::RecordFacts facts;
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
            facts.provider = (*detected)->info().name;
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

Result<message::Message> request_for(const Open& open, const ReplayPlan& plan) {
    message::Message request = replay::captured_request(open.record, plan.destination);
    for (const message::Header& header : plan.extra_headers) {
        replay::replace_header(request.headers, header);
    }
    if (plan.scheme != nullptr) {
        const std::string& id = open.id; // select() gave an id-less record one
        std::string url =
            plan.destination.scheme + "://" + plan.destination.authority() + request.target;
        auto signed_ok =
            replay::sign_again(request, *plan.scheme, plan.secrets, id, plan.now(), url);
        if (!signed_ok) {
            return tl::unexpected(signed_ok.error());
        }
    }
    return request;
}

Result<http::WireRequest> wire_request_for(const Open& open, const ReplayPlan& plan,
                                           std::string buffer) {
    auto request = request_for(open, plan);
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

Result<std::optional<Open>> Preparer::select() {
    while (true) {
        auto record = m_source.next();
        if (!record) {
            m_totals.corrupt_line = m_source.line_number();
            return tl::unexpected(record.error());
        }
        if ((m_totals.read & 0xFFU) == 0 && m_progress.position) {
            m_position = m_progress.position();
        }
        if (!*record) {
            if (m_progress.position) {
                m_position = m_progress.position(); // the whole log: progress says 100%, no ETA
            }
            return std::optional<Open>();
        }
        Open open;
        open.index = ++m_totals.read;
        replay::RecordFacts facts = facts_of(**record, m_plan);
        if (!m_plan.filter.matches(**record, facts)) {
            ++m_totals.filtered_out;
            continue;
        }
        if (m_journal != nullptr) {
            open.hash = replay::body_hash((*record)->message.body);
            auto previous = m_journal->previous(open.index, open.hash);
            if (!previous) {
                return tl::unexpected(previous.error());
            }
            if (*previous == replay::Previous::acknowledged) {
                ++m_totals.acknowledged_before;
                continue;
            }
        }
        open.id = facts.id ? *facts.id : "";
        if (open.id.empty() && m_plan.scheme != nullptr) {
            // Signing afresh needs an id: one per record, kept by all its attempts.
            open.id = events::fresh_delivery_id(m_plan.scheme->info().name);
        }
        open.record = std::move(**record);
        return std::optional<Open>(std::move(open));
    }
}

Result<std::optional<Prepared>> Preparer::next() {
    auto open = select();
    if (!open || !*open) {
        return open ? Result<std::optional<Prepared>>(std::nullopt) : tl::unexpected(open.error());
    }
    Prepared prepared{std::move(**open), http::WireRequest()};
    std::string buffer;
    if (!m_buffers.empty()) {
        buffer = std::move(m_buffers.back());
        m_buffers.pop_back();
    }
    prepared.request = wire_request_for(prepared.open, m_plan, std::move(buffer));
    if (!prepared.request && prepared.request.error().kind != ErrorKind::input) {
        return tl::unexpected(prepared.request.error()); // a secret that cannot sign: stop
    }
    if (m_plan.failed_path.empty() && m_plan.scheme == nullptr) {
        // Retries send the same bytes and no failure is written back: what the sender reports
        // is all that stays. Freed here, on the thread that allocated it (a free from another
        // thread contends for this one's malloc arena).
        // Swapped with empty values: assigning {} (or a short string) keeps the memory.
        log::Record& record = prepared.open.record;
        std::vector<message::Header>().swap(record.message.headers);
        std::string().swap(record.message.body);
        std::string().swap(record.remote);
        record.verify.reset();
    }
    return std::optional<Prepared>(std::move(prepared));
}

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
    std::vector<Open> finished;
    std::vector<std::string> buffers;
    while (!stop.stop_requested()) {
        auto item = m_preparer.next();
        bool is_last = !item || !*item;
        // What the item holds: its request's bytes, and its record's body when kept.
        std::size_t bytes = 0;
        if (item && *item) {
            const Prepared& prepared = **item;
            bytes = prepared.open.record.message.body.size() +
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
            finished.swap(m_returned_opens);
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
        move_all(m_spent_opens, m_returned_opens);
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

} // namespace hooks::cli
