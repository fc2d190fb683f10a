// Softmax (multinomial logistic) regression, fitted by full-batch gradient
// descent with momentum on standardized features.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "records.hpp"

namespace fmnist {

inline constexpr float kLearningRate = 0.05f;
inline constexpr float kMomentum = 0.9f;

// Per-feature mean and inverse standard deviation over the set.
inline void fit_standardization(const FeatureSet& f, Model& model) {
  std::size_t n = f.labels.size(), dim = static_cast<std::size_t>(f.dim);
  std::vector<double> sum(dim), sum_sq(dim);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d = 0; d < dim; ++d) {
      double x = f.values[i * dim + d];
      sum[d] += x;
      sum_sq[d] += x * x;
    }
  }
  model.mean.resize(dim);
  model.inv_std.resize(dim);
  for (std::size_t d = 0; d < dim; ++d) {
    double mean = sum[d] / n;
    double stddev = std::sqrt(std::max(sum_sq[d] / n - mean * mean, 0.0));
    model.mean[d] = static_cast<float>(mean);
    model.inv_std[d] = stddev > 1e-6 ? static_cast<float>(1 / stddev) : 1.0f;  // constant feature
  }
}

// The features of sample i, standardized by the model, into z.
inline void standardized(const Model& model, const FeatureSet& f, std::size_t i, float* z) {
  const float* x = &f.values[i * f.dim];
  for (int d = 0; d < f.dim; ++d) z[d] = (x[d] - model.mean[d]) * model.inv_std[d];
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
inline Model fit_softmax(const FeatureSet& f, int maxiter, double eps) {
  Model model;
  model.dim = f.dim;
  fit_standardization(f, model);
  std::vector<float> samples(f.values.size());
  for (std::size_t i = 0; i < f.labels.size(); ++i) {
    standardized(model, f, i, &samples[i * f.dim]);
  }
  model.weights.assign((f.dim + 1) * kClasses, 0.0f);
  std::vector<float> gradient(model.weights.size()), velocity(model.weights.size());
  for (int step = 0;; ++step) {
    model.loss.push_back(loss_and_gradient(model, samples, f.labels, gradient));
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

// The most probable class of each sample.
inline std::vector<int> predict(const Model& model, const FeatureSet& f) {
  std::vector<int> classes(f.labels.size());
  std::vector<float> z(f.dim);
  float p[kClasses];
  for (std::size_t i = 0; i < f.labels.size(); ++i) {
    standardized(model, f, i, z.data());
    class_probabilities(model, z.data(), p);
    classes[i] = static_cast<int>(std::max_element(p, p + kClasses) - p);
  }
  return classes;
}

}  // namespace fmnist
