import { fileURLToPath } from 'node:url';
import type { StackFrame } from '../../model/loopData';

/** True for frames of Node itself, of dependencies, or of Loopscope's agent. */
export function isLibraryFrame(frame: StackFrame): boolean {
  const url = frame.url;
  return !url || url.startsWith('node:') || /[\\/]node_modules[\\/]/.test(url) || /[\\/]dist[\\/]agent\.js$/.test(url) || url.startsWith('internal/');
}

/** The top frame that is the user's own code: the line that blocked. */
export function firstUserFrame(stack: readonly StackFrame[]): StackFrame | undefined {
  return stack.find((f) => !isLibraryFrame(f)) ?? stack.find((f) => !!f.url && !f.url.startsWith('node:'));
}

/** A frame's file as a filesystem path (file:// URLs converted), or the url unchanged. */
export function framePath(frame: StackFrame): string {
  if (frame.url.startsWith('file://')) {
    try {
      return fileURLToPath(frame.url);
    } catch {
      return frame.url;
    }
  }
  return frame.url;
}
