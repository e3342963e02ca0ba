/** Home: interrupted runs first, then scenarios, recent runs, inventory and settings. */
import { FeaturedCards } from './FeaturedCards.js';
import { InterruptedBanner } from './InterruptedBanner.js';
import { InventoryPanel } from './InventoryPanel.js';
import { RecentRuns } from './RecentRuns.js';
import { ScenarioBrowser } from './ScenarioBrowser.js';
import { SettingsPanel } from './SettingsPanel.js';

export function HomeScreen() {
  return (
    <div className="screen screen-home" data-screen="home">
      <InterruptedBanner />
      <FeaturedCards />
      <div className="grid-home">
        <ScenarioBrowser />
        <RecentRuns />
        <InventoryPanel />
        <SettingsPanel />
      </div>
    </div>
  );
}
