/**
 * The pipeline between the inputs and the store-forward buffer: enrich with static tags, route (first matching
 * route decides drop, lane and topic), encode once and append to the lane buffer ({@link net.edgegw.pipeline.Pipeline});
 * count and log rejections ({@link net.edgegw.pipeline.RejectionHandler}) and write the rejected data as dead letters
 * straight into the lowest-priority lane ({@link net.edgegw.pipeline.DeadLetterSink}). Configured by
 * {@link net.edgegw.pipeline.PipelineSettings}; knows nothing of the gateway's config file.
 */
package net.edgegw.pipeline;
