// Public exports are added as the modules land.
export {};
