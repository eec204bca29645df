"""特殊区域出口 1210 export: bonded zone entry in batches, exit parcel by parcel, flown."""
