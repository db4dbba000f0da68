/** The time left on a phase's countdown, redrawn every second while there is one (the clock is the screen's, never the engine's). */
import { useEffect, useState } from 'react';
import { timerText, type PhaseTimer } from './timer.js';

export function useCountdown(timer: PhaseTimer | null | undefined): string | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!timer) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [timer]);
  return timer ? timerText(timer, now) : null;
}
