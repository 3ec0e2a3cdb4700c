// WorkerPool: threads that run the pipeline on submissions. Each worker owns its own Pipeline
// (its own stage objects) and its own way to report refusals (a function it alone calls);
// accepted messages leave through the persist stage. submit() is thread-safe and never blocks
// on a worker.
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "broker/pipeline/stage_registry.h"
#include "core/util/blocking_queue.h"

namespace ozgbus::broker {

class WorkerPool {
 public:
  // Called on the worker's thread for each message the pipeline refused.
  using Refused = std::function<void(Refusal)>;

  // One Refused per worker. Builds every pipeline first, so a bad stage list fails here, before
  // any thread starts.
  static Result<std::unique_ptr<WorkerPool>> start(const std::vector<std::string>& stages,
                                                   const StageContext& ctx,
                                                   std::vector<Refused> refused);
  ~WorkerPool();

  void submit(Message message);
  // Finishes the queued messages, then joins the threads. Idempotent.
  void stop();

 private:
  WorkerPool() = default;
  void run(Pipeline& pipeline, const Refused& refused);

  std::vector<std::unique_ptr<Pipeline>> pipelines_;
  std::vector<Refused> refused_;
  util::BlockingQueue<Message> queue_;
  std::vector<std::thread> threads_;
};

}  // namespace ozgbus::broker
