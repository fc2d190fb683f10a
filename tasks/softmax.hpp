// Softmax (multinomial logistic) regression, fitted by full-batch gradient
// descent with momentum on standardized features.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "records.hpp"

namespace fmnist {

inline constexpr float kLearningRate = 0.05f;
inline constexpr float kMomentum = 0.9f;

// The training samples in one matrix, standardized: full-batch gradient
// descent goes over all of them at every step.
struct SampleMatrix {
  std::vector<float> values;  // labels.size() rows of Model::dim floats
  std::vector<std::uint8_t> labels;
};

// Reads the samples once (a collection streams them from the store, one at a
// time), learns the model's per-feature standardization from them, and gives
// them standardized.
template <class Samples>
SampleMatrix standardized_samples(const Samples& samples, Model& model) {
  SampleMatrix m;
  std::vector<double> sum, sum_sq;
  for (const Features& f : samples) {
    if (m.labels.empty()) {
      model.dim = static_cast<int>(f.values.size());
      sum.resize(f.values.size());
      sum_sq.resize(f.values.size());
    } else if (f.values.size() != sum.size()) {
      throw std::invalid_argument("fit_softmax: feature vectors of different sizes");
    }
    for (std::size_t d = 0; d < sum.size(); ++d) {
      sum[d] += f.values[d];
      sum_sq[d] += double{f.values[d]} * f.values[d];
    }
    m.values.insert(m.values.end(), f.values.begin(), f.values.end());
    m.labels.push_back(f.label);
  }
  if (m.labels.empty()) throw std::invalid_argument("fit_softmax: no samples");
  std::size_t n = m.labels.size(), dim = sum.size();
  model.mean.resize(dim);
  model.inv_std.resize(dim);
  for (std::size_t d = 0; d < dim; ++d) {
    double mean = sum[d] / n;
    double stddev = std::sqrt(std::max(sum_sq[d] / n - mean * mean, 0.0));
    model.mean[d] = static_cast<float>(mean);
    model.inv_std[d] = stddev > 1e-6 ? static_cast<float>(1 / stddev) : 1.0f;  // constant feature
  }
  for (std::size_t i = 0; i < n; ++i) {
    float* x = &m.values[i * dim];
    for (std::size_t d = 0; d < dim; ++d) x[d] = (x[d] - model.mean[d]) * model.inv_std[d];
  }
  return m;
}

// The class probabilities of standardized features z, into p.
inline void class_probabilities(const Model& model, const float* z, float* p) {
  const float* bias = &model.weights[model.dim * kClasses];
  std::copy(bias, bias + kClasses, p);
  for (int d = 0; d < model.dim; ++d) {
    const float* w = &model.weights[d * kClasses];
    for (int k = 0; k < kClasses; ++k) p[k] += z[d] * w[k];
  }
  float top = *std::max_element(p, p + kClasses), total = 0;
  for (int k = 0; k < kClasses; ++k) total += p[k] = std::exp(p[k] - top);
  for (int k = 0; k < kClasses; ++k) p[k] /= total;
}

// The mean cross-entropy over the samples (standardized: n rows of dim floats),
// and its gradient with respect to the weights, into gradient.
inline double loss_and_gradient(const Model& model, const std::vector<float>& samples,
                                const std::vector<std::uint8_t>& labels,
                                std::vector<float>& gradient) {
  std::fill(gradient.begin(), gradient.end(), 0.0f);
  float* bias_gradient = &gradient[model.dim * kClasses];
  double loss = 0;
  float p[kClasses];
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const float* z = &samples[i * model.dim];
    class_probabilities(model, z, p);
    loss -= std::log(std::max(p[labels[i]], 1e-30f));
    p[labels[i]] -= 1;  // d loss / d logits
    for (int d = 0; d < model.dim; ++d) {
      float* g = &gradient[d * kClasses];
      for (int k = 0; k < kClasses; ++k) g[k] += z[d] * p[k];
    }
    for (int k = 0; k < kClasses; ++k) bias_gradient[k] += p[k];
  }
  float inv_n = 1.0f / static_cast<float>(labels.size());
  for (float& g : gradient) g *= inv_n;
  return loss / static_cast<double>(labels.size());
}

// Fits the model in at most `maxiter` steps; stops earlier once a step
// changes the loss by less than `eps`. Prints the loss every 10 steps: the
// task's log (mnt/.taskfs/log/train/...) shows the progress while it runs.
// `samples` is any range of Features (a tf::List<Features> view).
template <class Samples>
Model fit_softmax(const Samples& samples, int maxiter, double eps) {
  Model model;
  SampleMatrix m = standardized_samples(samples, model);
  model.weights.assign((model.dim + 1) * kClasses, 0.0f);
  std::vector<float> gradient(model.weights.size()), velocity(model.weights.size());
  for (int step = 0;; ++step) {
    model.loss.push_back(loss_and_gradient(model, m.values, m.labels, gradient));
    if (step % 10 == 0) std::printf("step %4d of %d: loss %.4f\n", step, maxiter, model.loss[step]);
    if (step > 0 && std::abs(model.loss[step - 1] - model.loss[step]) < eps) {
      model.converged = true;
      break;
    }
    if (step >= maxiter) break;
    for (std::size_t j = 0; j < model.weights.size(); ++j) {
      velocity[j] = kMomentum * velocity[j] - kLearningRate * gradient[j];
      model.weights[j] += velocity[j];
    }
  }
  return model;
}

// The most probable class of one sample.
inline int predict(const Model& model, const Features& f) {
  if (f.values.size() != static_cast<std::size_t>(model.dim)) {
    throw std::invalid_argument("predict: features of another size than the model's");
  }
  std::vector<float> z(model.dim);
  for (int d = 0; d < model.dim; ++d) z[d] = (f.values[d] - model.mean[d]) * model.inv_std[d];
  float p[kClasses];
  class_probabilities(model, z.data(), p);
  return static_cast<int>(std::max_element(p, p + kClasses) - p);
}

}  // namespace fmnist
