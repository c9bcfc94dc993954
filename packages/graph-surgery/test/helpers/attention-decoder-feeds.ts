/**
 * Feeds of the tiny zoo's memory_attention with its feature layout baked (current features as [1, 32, 32, 32]
 * maps; a memory of two frames and two pointers) and of its mask decoder on a tracked frame (one pad point): what
 * the merge tests run the two modules, and their merged graph, on.
 */
import { type Feed, seededValues } from './ort-feeds.js';

const C = 32;
const HW = 1024;

export function attentionMapFeeds(): Record<string, Feed> {
  const tokens = 2 * HW + 8;
  return {
    curr: { type: 'float32', dims: [1, C, 32, 32], data: seededValues(C * HW, 1) },
    curr_pos: { type: 'float32', dims: [1, C, 32, 32], data: seededValues(C * HW, 2) },
    memory: { type: 'float32', dims: [tokens, 1, 16], data: seededValues(tokens * 16, 3) },
    memory_pos: { type: 'float32', dims: [tokens, 1, 16], data: seededValues(tokens * 16, 4) },
    num_obj_ptr_tokens: { type: 'int64', dims: [], data: [8] },
  };
}

export const PAD_POINT_FEEDS: Record<string, Feed> = {
  point_coords: { type: 'float32', dims: [1, 1, 2], data: [0, 0] },
  point_labels: { type: 'int32', dims: [1, 1], data: [-1] },
};

/** The decoder's image embedding from memory_attention's conditioned maps. */
export function embedFeed(conditioned: Float32Array): Feed {
  return { type: 'float32', dims: [1, C, 32, 32], data: conditioned };
}
