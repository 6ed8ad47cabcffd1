// SPDX-License-Identifier: MIT
#include "core/send/load.hpp"

#include "core/events/delivery_id.hpp"
#include "core/http/batch.hpp"
#include "core/send/request.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>

namespace hooks::send {
namespace {

/// A delivery of the run: its id and when its envelope was made. Every attempt's request is
/// built from these, so a retry carries the first attempt's body (events::DeliveryTemplate
/// builds the same bytes from the same id and time) and only its signature is new.
struct DeliveryKey {
    std::string id;
    providers::UnixMillis created{0};
};

/// A fresh delivery and its first request.
struct Fresh {
    DeliveryKey key;
    http::WireRequest request;
};

/// The request of an attempt of `key`'s delivery, signed at `signed_at`, as it goes on the wire.
Result<http::WireRequest> wire_request(const Plan& plan, const DeliveryKey& key,
                                       providers::UnixMillis signed_at) {
    auto request = build_request(plan, key.id, key.created, signed_at);
    if (!request) {
        return tl::unexpected(request.error());
    }
    return http::to_wire(*request, plan.url.authority());
}

Result<Fresh> make_fresh(const Plan& plan, const time::Clock& clock) {
    DeliveryKey key{events::fresh_delivery_id(plan.build.provider), time::unix_millis(clock)};
    auto request = wire_request(plan, key, key.created);
    if (!request) {
        return tl::unexpected(request.error());
    }
    return Fresh{std::move(key), std::move(*request)};
}

/// Builds a run's fresh deliveries on a thread of its own, at most k_ahead ahead of the engine:
/// building and signing a request costs more than sending it, and the engine's one thread
/// would otherwise do both. When none is ready the engine's thread builds one itself (large
/// envelopes take longer to build than to send). Requests wait at most k_ahead deliveries (a
/// few ms), so their timestamps stay current.
class FreshMaker {
  public:
    FreshMaker(const Plan& plan, const time::Clock& clock, std::uint64_t count)
        : m_plan(plan), m_clock(clock), m_remaining(count),
          m_thread([this](const std::stop_token& stop) { make(stop); }) {}
    FreshMaker(const FreshMaker&) = delete;
    FreshMaker& operator=(const FreshMaker&) = delete;
    ~FreshMaker() {
        {
            std::lock_guard lock(m_mutex); // not between the maker's check and its wait
            m_thread.request_stop();
        }
        m_changed.notify_all();
    }

    /// The next delivery, or the error that stopped the maker. Call at most `count` times.
    Result<Fresh> take() {
        std::unique_lock lock(m_mutex);
        if (m_ready.empty() && m_remaining > 0) {
            --m_remaining;
            lock.unlock();
            return make_fresh(m_plan, m_clock);
        }
        // The last ones may still be under way on the maker's thread.
        m_changed.wait(lock, [this] { return !m_ready.empty(); });
        Result<Fresh> fresh = std::move(m_ready.front());
        m_ready.pop_front();
        if (m_ready.size() == k_ahead / 2) {
            m_changed.notify_all();
        }
        return fresh;
    }

  private:
    static constexpr std::size_t k_ahead = 256;

    void make(const std::stop_token& stop) {
        std::unique_lock lock(m_mutex);
        for (;;) {
            // Refill in bursts (woken when half are taken) to keep thread wake-ups rare.
            m_changed.wait(lock, [&] {
                return (m_ready.size() < k_ahead && m_remaining > 0) || stop.stop_requested();
            });
            if (stop.stop_requested() || m_remaining == 0) {
                return;
            }
            --m_remaining;
            lock.unlock();
            Result<Fresh> fresh = make_fresh(m_plan, m_clock);
            bool is_error = !fresh;
            lock.lock();
            m_ready.push_back(std::move(fresh));
            m_changed.notify_all();
            if (is_error) {
                return;
            }
        }
    }

    const Plan& m_plan;
    const time::Clock& m_clock;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Result<Fresh>> m_ready;
    std::uint64_t m_remaining; ///< not yet claimed by either thread
    std::jthread m_thread;     ///< last: it starts at construction and uses the members above
};

/// Fresh deliveries, each through the plan's retry schedule as deliver() takes it.
class LoadDriver final : public http::BatchDriver {
  public:
    LoadDriver(const Plan& plan, const Environment& environment, LoadSummary& summary)
        : m_plan(plan), m_environment(environment), m_summary(summary),
          m_maker(plan, environment.clock, summary.count) {}

    Result<std::optional<http::BatchJob>> next() override {
        if (m_started == m_summary.count) {
            return std::nullopt;
        }
        auto fresh = m_maker.take();
        if (!fresh) {
            return tl::unexpected(fresh.error());
        }
        std::uint64_t tag = m_started++;
        m_keys.emplace(tag, std::move(fresh->key));
        return http::BatchJob{tag, std::move(fresh->request)};
    }

    Result<std::optional<http::BatchRetry>> finished(std::uint64_t tag, int attempt,
                                                     const http::AttemptResult& result) override {
        auto decision =
            retry::decide(m_plan.schedule, attempt, http::outcome_of(result), m_plan.time_scale);
        auto key = m_keys.find(tag);
        if (decision.verdict == retry::Verdict::retry) {
            // Signed afresh when it is due (rebuild()): a timestamp is the attempt's own, the
            // body the delivery's.
            return http::BatchRetry{decision.wait, true};
        }
        if (result) {
            m_summary.latency.add(result->latency); // of each delivery's last attempt
        }
        if (decision.verdict == retry::Verdict::success) {
            ++m_summary.delivered;
        } else {
            ++m_summary.failures[http::failure_cause(result)];
        }
        m_keys.erase(key);
        return std::nullopt;
    }

    Result<http::WireRequest> rebuild(std::uint64_t tag, int /*attempt*/) override {
        // Each attempt keeps the delivery's id and body.
        return wire_request(m_plan, m_keys.at(tag), time::unix_millis(m_environment.clock));
    }

    bool should_stop() override { return m_environment.is_stop_requested(); }

  private:
    const Plan& m_plan;
    const Environment& m_environment;
    LoadSummary& m_summary;
    std::uint64_t m_started = 0;
    FreshMaker m_maker;
    std::unordered_map<std::uint64_t, DeliveryKey> m_keys; ///< tag -> delivery, while open
};

} // namespace

std::uint64_t LoadSummary::failed() const {
    std::uint64_t failed = 0;
    for (const auto& [cause, number] : failures) {
        failed += number;
    }
    return failed;
}

double LoadSummary::deliveries_per_second() const {
    // Of deliveries that succeeded: "0 delivered ... 546 deliveries/s" would not be true.
    return seconds > 0 ? static_cast<double>(delivered) / seconds : 0;
}

Result<LoadSummary> run_load(const Plan& given, const LoadOptions& options,
                             const Environment& environment) {
    // Many deliveries of one event: its envelope is built once and filled in for each.
    Plan plan = given;
    auto deliveries = events::DeliveryTemplate::create(plan.build);
    if (!deliveries) {
        return tl::unexpected(deliveries.error());
    }
    plan.deliveries = std::make_shared<const events::DeliveryTemplate>(std::move(*deliveries));
    LoadSummary summary;
    summary.count = options.count;
    summary.concurrency = options.concurrency;
    LoadDriver driver(plan, environment, summary);
    http::BatchOptions batch;
    batch.concurrency = static_cast<unsigned>(
        std::min<std::uint64_t>(options.concurrency, std::max<std::uint64_t>(options.count, 1)));
    batch.client = plan.client;
    auto started = environment.clock.monotonic();
    if (auto ran = environment.transport.run_batch(plan.url, driver, batch); !ran) {
        return tl::unexpected(ran.error());
    }
    summary.seconds =
        std::chrono::duration<double>(environment.clock.monotonic() - started).count();
    summary.is_interrupted = environment.is_stop_requested();
    return summary;
}

} // namespace hooks::send
